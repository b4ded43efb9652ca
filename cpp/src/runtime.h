// The process-wide part of libagorasig: one I/O thread that runs every instance's network, and one
// callback queue shared by every instance. Callbacks are delivered one at a time, in order, by the
// thread inside start() while there is one (the legacy SDK's loop), and otherwise by the SDK's own
// delivery thread (apps that never call start()). No lock is held while a callback runs, so
// callbacks may call back into the API.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace sig2rtm {

class Sdk;

class Runtime {
 public:
  static Runtime& get();
  ~Runtime();
  Runtime(Runtime const&) = delete;
  Runtime& operator=(Runtime const&) = delete;

  boost::asio::io_context& io() { return io_; }

  /** Queues a callback delivery (any thread). */
  void deliver_later(std::function<void()> fn);
  /** start(): delivers callbacks on this thread until stop() (or process exit). */
  void run_loop();
  /** stop(): makes every running start() return. */
  void stop_loop();

  /** The process singleton instance (getAgoraSDKInstanceCPP). */
  Sdk* singleton();
  /** A new instance (createAgoraSDKInstanceCPP); owned by the runtime until exit. */
  Sdk* create();

 private:
  Runtime();
  void own_loop();
  /** Pops and delivers one event; `lk` is held on entry and exit. */
  void deliver_one(std::unique_lock<std::mutex>& lk);

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread io_thread_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> events_;
  int loops_ = 0;             // threads inside start()
  uint64_t stop_generation_ = 0;
  bool delivering_ = false;   // one callback at a time, in order
  bool shutting_down_ = false;
  std::thread own_thread_;

  std::mutex instances_mu_;
  Sdk* singleton_ = nullptr;
  std::vector<std::unique_ptr<Sdk>> instances_;
};

}  // namespace sig2rtm
