#include "runtime.h"

#include <openssl/ssl.h>

#include "sdk.h"

namespace sig2rtm {

namespace {
// True on a thread while it runs a callback: start() from inside a callback must not nest a loop.
thread_local bool in_callback = false;
}  // namespace

Runtime& Runtime::get() {
  // Destroyed at exit, after every thread of ours has stopped (see ~Runtime).
  static Runtime runtime;
  return runtime;
}

Runtime::Runtime() : work_(boost::asio::make_work_guard(io_)) {
  // OpenSSL registers its own exit handler now, before ours: so ours (joining the I/O thread) runs first.
  OPENSSL_init_ssl(0, nullptr);
  io_thread_ = std::thread([this] { io_.run(); });
  own_thread_ = std::thread([this] { own_loop(); });
}

Runtime::~Runtime() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    shutting_down_ = true;
  }
  cv_.notify_all();
  work_.reset();
  io_.stop();
  if (io_thread_.joinable()) io_thread_.join();
  if (own_thread_.joinable()) own_thread_.join();
  instances_.clear();
}

void Runtime::deliver_later(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (shutting_down_) return;
    events_.push_back(std::move(fn));
  }
  cv_.notify_all();
}

void Runtime::deliver_one(std::unique_lock<std::mutex>& lk) {
  std::function<void()> fn = std::move(events_.front());
  events_.pop_front();
  delivering_ = true;
  lk.unlock();
  in_callback = true;
  fn();
  in_callback = false;
  lk.lock();
  delivering_ = false;
  cv_.notify_all();
}

void Runtime::own_loop() {
  std::unique_lock<std::mutex> lk(mu_);
  for (;;) {
    cv_.wait(lk, [this] { return shutting_down_ || (loops_ == 0 && !delivering_ && !events_.empty()); });
    if (shutting_down_) return;
    deliver_one(lk);
  }
}

void Runtime::run_loop() {
  if (in_callback) return;
  std::unique_lock<std::mutex> lk(mu_);
  const uint64_t generation = stop_generation_;
  ++loops_;
  for (;;) {
    cv_.wait(lk, [&] { return shutting_down_ || stop_generation_ != generation || (!delivering_ && !events_.empty()); });
    if (shutting_down_ || stop_generation_ != generation) break;
    deliver_one(lk);
  }
  --loops_;
  cv_.notify_all();
}

void Runtime::stop_loop() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    ++stop_generation_;
  }
  cv_.notify_all();
}

Sdk* Runtime::singleton() {
  std::lock_guard<std::mutex> lk(instances_mu_);
  if (!singleton_) {
    instances_.push_back(std::make_unique<Sdk>(*this));
    singleton_ = instances_.back().get();
  }
  return singleton_;
}

Sdk* Runtime::create() {
  std::lock_guard<std::mutex> lk(instances_mu_);
  instances_.push_back(std::make_unique<Sdk>(*this));
  return instances_.back().get();
}

}  // namespace sig2rtm
