#include "link.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <deque>

namespace sig2rtm {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

bool Url::parse(std::string const& text, Url& out) {
  std::string rest;
  if (text.rfind("ws://", 0) == 0) {
    out.tls = false;
    rest = text.substr(5);
  } else if (text.rfind("wss://", 0) == 0) {
    out.tls = true;
    rest = text.substr(6);
  } else {
    return false;
  }
  const size_t slash = rest.find('/');
  std::string authority = slash == std::string::npos ? rest : rest.substr(0, slash);
  out.path = slash == std::string::npos ? "/" : rest.substr(slash);
  if (!authority.empty() && authority[0] == '[') {  // [v6]:port
    const size_t close = authority.find(']');
    if (close == std::string::npos) return false;
    out.host = authority.substr(1, close - 1);
    out.port = close + 2 <= authority.size() ? authority.substr(close + 2) : "";
  } else {
    const size_t colon = authority.rfind(':');
    out.host = colon == std::string::npos ? authority : authority.substr(0, colon);
    out.port = colon == std::string::npos ? "" : authority.substr(colon + 1);
  }
  if (out.port.empty()) out.port = out.tls ? "443" : "80";
  return !out.host.empty();
}

namespace {

constexpr int kAbnormal = 1006;

// Keeps the TLS context alive as long as the stream that uses it (a base is built before members).
struct TlsContextHolder {
  std::shared_ptr<ssl::context> tls_context;
};

// The same steps for ws:// and wss://; the TLS handshake is the only difference.
template <class Stream>
class LinkImpl : private TlsContextHolder, public Link, public std::enable_shared_from_this<LinkImpl<Stream>> {
 public:
  template <class... StreamArgs>
  LinkImpl(asio::io_context& io, Url url, LinkEvents events, std::shared_ptr<ssl::context> ctx, StreamArgs&&... args)
      : TlsContextHolder{std::move(ctx)}, resolver_(io), ws_(std::forward<StreamArgs>(args)...), url_(std::move(url)), events_(std::move(events)) {}

  void start() {
    auto self = this->shared_from_this();
    resolver_.async_resolve(url_.host, url_.port, [self](beast::error_code ec, tcp::resolver::results_type results) {
      if (ec) return self->fail(kAbnormal, "resolve: " + ec.message());
      beast::get_lowest_layer(self->ws_).expires_after(std::chrono::seconds(10));
      beast::get_lowest_layer(self->ws_).async_connect(results, [self](beast::error_code ec2, tcp::endpoint) {
        if (ec2) return self->fail(kAbnormal, "connect: " + ec2.message());
        self->after_connect();
      });
    });
  }

  void send(std::string text) override {
    if (done_) return;
    out_.push_back(std::move(text));
    if (open_ && !writing_) write_next();
  }

  void close() override {
    if (done_) return;
    done_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).close();
  }

 private:
  void after_connect();

  void handshake() {
    auto self = this->shared_from_this();
    beast::get_lowest_layer(ws_).expires_never();
    // Pings when idle, and a drop after 20 s of silence (docs/gateway-protocol.md §7).
    websocket::stream_base::timeout t{};
    t.handshake_timeout = std::chrono::seconds(10);
    t.idle_timeout = std::chrono::seconds(20);
    t.keep_alive_pings = true;
    ws_.set_option(t);
    ws_.read_message_max(64 * 1024 * 1024);
    std::string host = url_.host + ":" + url_.port;
    ws_.async_handshake(host, url_.path, [self](beast::error_code ec) {
      if (ec) return self->fail(kAbnormal, "handshake: " + ec.message());
      self->open_ = true;
      self->ws_.text(true);
      if (self->events_.opened) self->events_.opened();
      if (!self->out_.empty() && !self->done_ && !self->writing_) self->write_next();
      self->read_next();
    });
  }

  void read_next() {
    if (done_) return;
    auto self = this->shared_from_this();
    ws_.async_read(buffer_, [self](beast::error_code ec, size_t) {
      if (self->done_) return;
      if (ec) {
        const auto reason = self->ws_.reason();
        if (ec == websocket::error::closed) return self->fail(reason.code, std::string(reason.reason.c_str()));
        return self->fail(kAbnormal, ec.message());
      }
      std::string text = beast::buffers_to_string(self->buffer_.data());
      self->buffer_.consume(self->buffer_.size());
      if (self->events_.text) self->events_.text(text);
      self->read_next();
    });
  }

  // One write at a time (Beast allows one outstanding write per stream).
  void write_next() {
    writing_ = true;
    auto self = this->shared_from_this();
    ws_.async_write(asio::buffer(out_.front()), [self](beast::error_code ec, size_t) {
      if (self->done_) return;
      if (ec) return self->fail(kAbnormal, "write: " + ec.message());
      self->out_.pop_front();
      if (!self->out_.empty()) self->write_next();
      else self->writing_ = false;
    });
  }

  void fail(int code, std::string const& reason) {
    if (done_) return;
    close();
    if (events_.closed) events_.closed(code, reason);
  }

  tcp::resolver resolver_;
  websocket::stream<Stream> ws_;
  Url url_;
  LinkEvents events_;
  beast::flat_buffer buffer_;
  std::deque<std::string> out_;
  bool open_ = false;
  bool writing_ = false;
  bool done_ = false;
};

template <>
void LinkImpl<beast::tcp_stream>::after_connect() {
  handshake();
}

template <>
void LinkImpl<beast::ssl_stream<beast::tcp_stream>>::after_connect() {
  auto self = shared_from_this();
  // SNI and host name verification.
  if (!SSL_set_tlsext_host_name(ws_.next_layer().native_handle(), url_.host.c_str())) return fail(kAbnormal, "tls: SNI failed");
  ws_.next_layer().set_verify_callback(ssl::host_name_verification(url_.host));
  ws_.next_layer().async_handshake(ssl::stream_base::client, [self](beast::error_code ec) {
    if (ec) return self->fail(kAbnormal, "tls: " + ec.message());
    self->handshake();
  });
}

}  // namespace

std::shared_ptr<Link> Link::open(asio::io_context& io, Url const& url, std::string const& ca_file, LinkEvents events) {
  if (!url.tls) {
    auto link = std::make_shared<LinkImpl<beast::tcp_stream>>(io, url, std::move(events), nullptr, io);
    link->start();
    return link;
  }
  // One TLS context per link: small, and it keeps a changed CA file simple.
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_default_verify_paths();
  if (!ca_file.empty()) {
    beast::error_code ec;
    ctx->load_verify_file(ca_file, ec);
  }
  ctx->set_verify_mode(ssl::verify_peer);
  ssl::context& context = *ctx;
  auto link = std::make_shared<LinkImpl<beast::ssl_stream<beast::tcp_stream>>>(io, url, std::move(events), std::move(ctx), io, context);
  link->start();
  return link;
}

}  // namespace sig2rtm
