// One WebSocket to the gateway (ws:// or wss://), on the runtime's I/O thread: connect, handshake,
// read text frames, write them in order. Reports open, each text frame, and one close (with the
// WebSocket close code, or 1006 when the connection failed or dropped). Every member function must be
// called on the I/O thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace sig2rtm {

struct Url {
  bool tls = false;
  std::string host;
  std::string port;
  std::string path;
  /** Parses ws://host[:port][/path] or wss://…; false when it is not one. */
  static bool parse(std::string const& text, Url& out);
};

struct LinkEvents {
  std::function<void()> opened;
  std::function<void(std::string const&)> text;
  std::function<void(int code, std::string const& reason)> closed;
};

class Link {
 public:
  virtual ~Link() = default;
  virtual void send(std::string text) = 0;
  /** Closes without reporting `closed`. */
  virtual void close() = 0;
  /** Opens a link; `ca_file` (may be empty) adds a trusted CA for wss://. */
  static std::shared_ptr<Link> open(boost::asio::io_context& io, Url const& url, std::string const& ca_file, LinkEvents events);
};

}  // namespace sig2rtm
