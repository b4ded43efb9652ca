// One legacy API instance: IAgoraAPI over one gateway session (docs/gateway-protocol.md). Calls are
// marshalled on the caller's thread (generated/calls.inc) and handed to the I/O thread, which owns
// the session: the socket, call numbering and resend, callback order, resume and the legacy
// reconnect callbacks. Callbacks go through the runtime's queue to the app's handler.
#pragma once

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "agora_sig.h"
#include "link.h"

namespace sig2rtm {

class Runtime;

/** A C++ string argument as a JSON string: bytes as UTF-8 (invalid bytes replaced), NULL as "". */
std::string wire_string(char const* p, size_t n);
/** Delivers a callback frame's arguments to the handler; false when the frame does not fit the table. */
bool dispatch_callback(agora_sdk_cpp::ICallBack* cb, std::string const& name, nlohmann::json const& args);

class Sdk final : public agora_sdk_cpp::IAgoraAPI {
 public:
  explicit Sdk(Runtime& runtime);
  ~Sdk();

  // ---- gateway calls (generated) ----
#include "generated/calls.inc"

  // ---- answered here ----
  void callbackSet(agora_sdk_cpp::ICallBack* handler) override { handler_.store(handler); }
  agora_sdk_cpp::ICallBack* callbackGet() override { return handler_.load(); }
  void start() override;
  void stop() override;
  bool isOnline() override { return status_.load() == 2; }
  int getStatus() override { return status_.load(); }
  int getSdkVersion() override { return 1010400000; }
  void dbg(char const* a, size_t a_size, char const* b, size_t b_size) override;
  void destroy() override;
  void destory() override { destroy(); }

 private:
  struct PendingCall {
    uint64_t seq;
    std::string method;  // empty: the bye after destroy
    nlohmann::json args;
  };

  /** Any thread: queue a call for the I/O thread. */
  void call(char const* method, nlohmann::json args);

  // ---- I/O thread ----
  void take_call(std::string method, nlohmann::json args);
  void connect();
  void opened(uint64_t link_id);
  void received(uint64_t link_id, std::string const& text);
  void closed(uint64_t link_id, int code, std::string const& reason);
  void welcome(nlohmann::json const& f);
  void send_call(PendingCall const& c);
  void schedule_retry();
  /** The session is gone: onLogout(102) if logged in, onLoginFailed(login_failure) if logging in. */
  void session_lost(int login_failure);
  void new_generation();
  void send_ack();
  std::string server_url();

  /** Queues a callback for the app; `st` becomes getStatus() just before it runs (-1: unchanged). */
  void emit(int st, std::function<void(agora_sdk_cpp::ICallBack*)> fn);
  void emit_log(std::string line);

  Runtime& runtime_;
  std::atomic<agora_sdk_cpp::ICallBack*> handler_{nullptr};
  std::atomic<int> status_{0};

  // Configuration (dbg / environment), read on the I/O thread.
  std::mutex config_mu_;
  std::string url_override_;
  std::string ca_file_;

  // The session, I/O thread only.
  std::shared_ptr<Link> link_;
  uint64_t link_id_ = 0;
  bool welcomed_ = false;
  std::string session_;
  uint64_t call_seq_ = 0;
  std::deque<PendingCall> calls_;  // sent or not, until acknowledged
  uint64_t last_queued_cb_ = 0;    // callbacks up to here are in the delivery queue
  int server_status_ = 0;          // the last `st` from the server
  bool reconnecting_ = false;
  bool retry_pending_ = false;
  bool ending_ = false;  // bye sent
  uint64_t last_acked_ = 0;
  uint32_t attempt_ = 0;
  std::chrono::steady_clock::time_point lost_at_{};
  bool lost_ = false;
  int64_t resume_ms_ = 30000;
  boost::asio::steady_timer retry_timer_;

  // Shared between the delivery thread and the I/O thread.
  std::atomic<bool> reconnecting_flag_{false};
  std::mutex ack_mu_;
  uint64_t generation_ = 1;  // +1 per session: callbacks of an old session do not ack a new one
  uint64_t processed_ = 0;   // last callback seq delivered to the app
  std::atomic<bool> ack_posted_{false};
};

}  // namespace sig2rtm
