#include "sdk.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cstdlib>

#include "runtime.h"

namespace sig2rtm {

namespace asio = boost::asio;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {
constexpr int kProtocolVersion = 1;
constexpr char kSdkName[] = "cpp/0.1.0";
// A first session that cannot be reached is given up after this many attempts: onLoginFailed(201).
constexpr uint32_t kFirstConnectAttempts = 4;
constexpr int kLogoutNet = 102;     // LOGOUT_E_NET
constexpr int kLoginNet = 201;      // LOGIN_E_NET
constexpr int kLoginOldVersion = 205;

std::string env(char const* name) {
  char const* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}
}  // namespace

Sdk::Sdk(Runtime& runtime) : runtime_(runtime), retry_timer_(runtime.io()) {
  ca_file_ = env("SIG2RTM_CA_FILE");
}

Sdk::~Sdk() {
  if (link_) link_->close();
}

void Sdk::start() { runtime_.run_loop(); }
void Sdk::stop() { runtime_.stop_loop(); }

void Sdk::dbg(char const* a, size_t a_size, char const* b, size_t b_size) {
  const std::string key = a ? std::string(a, a_size) : std::string();
  const std::string value = b ? std::string(b, b_size) : std::string();
  std::lock_guard<std::mutex> lk(config_mu_);
  // lbss: the legacy way to point the SDK at another server (legacy-native-interfaces.md §3.7).
  if (key == "lbss" || key == "sig2rtm_url") url_override_ = value;
  else if (key == "sig2rtm_ca_file") ca_file_ = value;
  // lbs_100, _vid, _device_id, _device_info and the rest: accepted and ignored.
}

std::string Sdk::server_url() {
  std::string v;
  {
    std::lock_guard<std::mutex> lk(config_mu_);
    v = url_override_;
  }
  if (!v.empty()) {
    if (v.rfind("ws://", 0) == 0 || v.rfind("wss://", 0) == 0) {
      const size_t scheme = v.find("://") + 3;
      return v.find('/', scheme) == std::string::npos ? v + "/gateway" : v;
    }
    return "ws://" + v + (v.find(':') == std::string::npos ? ":8080" : "") + "/gateway";
  }
  v = env("SIG2RTM_GATEWAY_URL");
  if (!v.empty()) return v;
  v = env("SIG2RTM_URL");  // the RTM endpoint of the same server: ws://host:port/rtm
  if (v.size() > 4 && v.compare(v.size() - 4, 4, "/rtm") == 0) return v.substr(0, v.size() - 4) + "/gateway";
  return "ws://127.0.0.1:8080/gateway";
}

// ---- calls ------------------------------------------------------------------------------------

void Sdk::call(char const* method, json args) {
  std::string m(method);
  if (m == "login" || m == "login2") {
    int expected = 0;
    status_.compare_exchange_strong(expected, 1);
  }
  asio::post(runtime_.io(), [this, m = std::move(m), args = std::move(args)]() mutable { take_call(std::move(m), std::move(args)); });
}

void Sdk::destroy() {
  status_.store(0);
  asio::post(runtime_.io(), [this] {
    if (session_.empty() && calls_.empty() && !link_) return;
    take_call("destroy", json::array());
    take_call("", json());  // then bye: the session ends on the server
  });
}

void Sdk::take_call(std::string method, json args) {
  calls_.push_back(PendingCall{++call_seq_, std::move(method), std::move(args)});
  if (ending_) return;  // after bye: sent to the next session
  if (welcomed_) send_call(calls_.back());
  else if (!link_ && !retry_pending_) connect();
}

void Sdk::send_call(PendingCall const& c) {
  if (!link_) return;
  if (c.method.empty()) {
    link_->send(R"({"t":"bye"})");
    ending_ = true;
    return;
  }
  json f = {{"t", "call"}, {"seq", c.seq}, {"m", c.method}, {"a", c.args}};
  link_->send(f.dump(-1, ' ', false, json::error_handler_t::replace));
}

// ---- the link ---------------------------------------------------------------------------------

void Sdk::connect() {
  if (link_) return;
  Url url;
  const std::string text = server_url();
  const uint64_t id = ++link_id_;
  if (!Url::parse(text, url)) {
    emit_log("[sig2rtm] bad server address: " + text + " (use dbg(\"lbss\", \"host:port\") or SIG2RTM_GATEWAY_URL=ws://host:port/gateway)");
    asio::post(runtime_.io(), [this, id] { closed(id, 1006, "bad address"); });
    link_.reset();
    return;
  }
  std::string ca;
  {
    std::lock_guard<std::mutex> lk(config_mu_);
    ca = ca_file_;
  }
  LinkEvents events;
  events.opened = [this, id] { opened(id); };
  events.text = [this, id](std::string const& t) { received(id, t); };
  events.closed = [this, id](int code, std::string const& reason) { closed(id, code, reason); };
  link_ = Link::open(runtime_.io(), url, ca, std::move(events));
}

void Sdk::opened(uint64_t link_id) {
  if (link_id != link_id_ || !link_) return;
  json hello = {{"t", "hello"}, {"v", kProtocolVersion}, {"sdk", kSdkName}};
  if (!session_.empty()) {
    std::lock_guard<std::mutex> lk(ack_mu_);
    hello["resume"] = {{"session", session_}, {"ack", processed_}};
  }
  link_->send(hello.dump());
}

void Sdk::received(uint64_t link_id, std::string const& text) {
  if (link_id != link_id_) return;
  json f = json::parse(text, nullptr, false);
  if (!f.is_object() || !f.contains("t") || !f["t"].is_string()) return emit_log("[sig2rtm] gateway sent a frame that is not one: " + text.substr(0, 200));
  const std::string t = f["t"].get<std::string>();
  try {
    if (t == "cb") {
      const uint64_t seq = f.at("seq").get<uint64_t>();
      if (seq <= last_queued_cb_) return;  // already queued (a replay after resume)
      last_queued_cb_ = seq;
      server_status_ = f.at("st").get<int>();
      uint64_t generation;
      {
        std::lock_guard<std::mutex> lk(ack_mu_);
        generation = generation_;
      }
      auto name = std::make_shared<std::string>(f.at("n").get<std::string>());
      auto args = std::make_shared<json>(std::move(f.at("a")));
      const int st = server_status_;
      runtime_.deliver_later([this, generation, seq, name, args, st] {
        // While the link is down the app is told "reconnecting", whatever the server said before.
        if (!reconnecting_flag_.load()) status_.store(st);
        agora_sdk_cpp::ICallBack* h = handler_.load();
        if (h && !dispatch_callback(h, *name, *args)) {
          const std::string line = "[sig2rtm] callback frame does not fit the table: " + *name;
          h->onLog(line.c_str(), line.size());
        }
        {
          std::lock_guard<std::mutex> lk(ack_mu_);
          if (generation != generation_) return;
          processed_ = seq;
        }
        if (!ack_posted_.exchange(true)) asio::post(runtime_.io(), [this] { send_ack(); });
      });
    } else if (t == "ack") {
      const uint64_t seq = f.at("seq").get<uint64_t>();
      while (!calls_.empty() && calls_.front().seq <= seq) calls_.pop_front();
    } else if (t == "welcome") {
      welcome(f);
    } else if (t == "error") {
      const std::string code = f.value("code", "");
      if (code == "unknown_session" || code == "unsupported_version") return;  // the close that follows says it
      emit_log("[sig2rtm] gateway error " + code + ": " + f.value("message", ""));
    }
  } catch (json::exception const& e) {
    emit_log(std::string("[sig2rtm] gateway frame not understood: ") + e.what());
  }
}

void Sdk::welcome(json const& f) {
  const bool resumed = f.at("resumed").get<bool>();
  const uint64_t ack = f.at("ack").get<uint64_t>();
  server_status_ = f.at("st").get<int>();
  resume_ms_ = f.at("limits").at("resumeMs").get<int64_t>();
  if (!resumed) {
    session_ = f.at("session").get<std::string>();
    new_generation();
    // Calls queued for no session or a dead one go to this new session, numbered from 1.
    call_seq_ = 0;
    for (auto& c : calls_) c.seq = ++call_seq_;
  } else {
    while (!calls_.empty() && calls_.front().seq <= ack) calls_.pop_front();
  }
  welcomed_ = true;
  lost_ = false;
  attempt_ = 0;
  if (reconnecting_) {
    reconnecting_ = false;
    reconnecting_flag_.store(false);
    const int st = server_status_;
    emit(st, [](agora_sdk_cpp::ICallBack* h) { h->onReconnected(0); });
  }
  for (auto const& c : calls_) {
    send_call(c);
    if (ending_) break;
  }
  send_ack();
}

void Sdk::closed(uint64_t link_id, int code, std::string const& reason) {
  if (link_id != link_id_) return;
  link_.reset();
  welcomed_ = false;
  if (ending_) {  // bye was sent: the session is over by our own wish
    ending_ = false;
    session_.clear();
    new_generation();
    // What came before the bye belonged to the ended session; what came after goes to a new one.
    auto bye = std::find_if(calls_.begin(), calls_.end(), [](PendingCall const& c) { return c.method.empty(); });
    if (bye != calls_.end()) calls_.erase(calls_.begin(), bye + 1);
    if (!calls_.empty()) connect();
    return;
  }
  switch (code) {
    case 4006:  // resumed on another socket: not ours to use any more
      return;
    case 4001:
      emit_log("[sig2rtm] the server does not speak gateway protocol 1: " + reason);
      calls_.clear();
      session_lost(kLoginOldVersion);
      return;
    case 4002:
    case 4005:
    case 4007:
      session_lost(kLoginNet);
      if (!calls_.empty()) connect();
      return;
    default:
      break;
  }
  if (session_.empty()) {
    // Never got a session: try a few times, then the login (if any) fails as with no network.
    if (++attempt_ >= kFirstConnectAttempts) {
      attempt_ = 0;
      const bool had_login = std::any_of(calls_.begin(), calls_.end(), [](PendingCall const& c) { return c.method == "login" || c.method == "login2"; });
      calls_.clear();
      emit_log("[sig2rtm] cannot reach the server at " + server_url() + ": " + reason);
      if (had_login) emit(0, [](agora_sdk_cpp::ICallBack* h) { h->onLoginFailed(kLoginNet); });
      return;
    }
    schedule_retry();
    return;
  }
  if (!lost_) {
    lost_ = true;
    lost_at_ = Clock::now();
    attempt_ = 0;
    if (server_status_ == 2 || server_status_ == 3) {
      reconnecting_ = true;
      reconnecting_flag_.store(true);
    }
  }
  schedule_retry();
}

void Sdk::schedule_retry() {
  ++attempt_;
  if (reconnecting_) {
    const uint32_t n = attempt_;
    emit(3, [n](agora_sdk_cpp::ICallBack* h) { h->onReconnecting(n); });
  }
  const int64_t delay = attempt_ <= 1 ? 0 : std::min<int64_t>(100LL << std::min<uint32_t>(attempt_ - 2, 5), 2000);
  retry_pending_ = true;
  retry_timer_.expires_after(std::chrono::milliseconds(delay));
  retry_timer_.async_wait([this](boost::system::error_code ec) {
    retry_pending_ = false;
    if (ec) return;
    if (lost_ && Clock::now() - lost_at_ >= std::chrono::milliseconds(resume_ms_)) {
      session_lost(kLoginNet);
      if (!calls_.empty()) connect();
      return;
    }
    connect();
  });
}

void Sdk::session_lost(int login_failure) {
  const int st = server_status_;
  const bool was_reconnecting = reconnecting_;
  session_.clear();
  lost_ = false;
  reconnecting_ = false;
  reconnecting_flag_.store(false);
  attempt_ = 0;
  server_status_ = 0;
  new_generation();
  calls_.erase(std::remove_if(calls_.begin(), calls_.end(), [](PendingCall const& c) { return c.method.empty(); }), calls_.end());
  if (was_reconnecting || st == 2 || st == 3) {
    emit(0, [](agora_sdk_cpp::ICallBack* h) { h->onLogout(kLogoutNet); });
  } else if (st == 1) {
    emit(0, [login_failure](agora_sdk_cpp::ICallBack* h) { h->onLoginFailed(login_failure); });
  } else {
    status_.store(0);
  }
}

void Sdk::new_generation() {
  std::lock_guard<std::mutex> lk(ack_mu_);
  ++generation_;
  processed_ = 0;
  last_queued_cb_ = 0;
  last_acked_ = 0;
}

void Sdk::send_ack() {
  ack_posted_.store(false);
  if (!welcomed_ || !link_) return;
  uint64_t seq;
  {
    std::lock_guard<std::mutex> lk(ack_mu_);
    seq = processed_;
  }
  if (seq == 0 || seq == last_acked_) return;
  last_acked_ = seq;
  link_->send(R"({"t":"ack","seq":)" + std::to_string(seq) + "}");
}

// ---- callbacks --------------------------------------------------------------------------------

void Sdk::emit(int st, std::function<void(agora_sdk_cpp::ICallBack*)> fn) {
  runtime_.deliver_later([this, st, fn = std::move(fn)] {
    if (st >= 0) status_.store(st);
    agora_sdk_cpp::ICallBack* h = handler_.load();
    if (h) fn(h);
  });
}

void Sdk::emit_log(std::string line) {
  emit(-1, [line = std::move(line)](agora_sdk_cpp::ICallBack* h) { h->onLog(line.c_str(), line.size()); });
}

}  // namespace sig2rtm
