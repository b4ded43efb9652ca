// A legacy C++ app for the tests, written only against agora_sig.h: it reads one call per line from
// stdin as a JSON array (["login2", "<appId>", "alice", "_no_need_token", 0, "", 30, 3]; null for
// a string passes a NULL pointer) and prints every callback as a JSON line with the thread it came on.
//
//   agent --start     main thread runs start(); calls come from a reader thread (node-sig, unibosy)
//   agent --no-start  start() is never called; main reads stdin (the official Linux tutorial)
//
// Besides the API's methods: ["getStatus"], ["isOnline"], ["getSdkVersion"], ["dbg", k, v],
// ["sleep", ms], ["exit"].
#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "agora_sig.h"

using nlohmann::json;

static std::mutex out_mu;
static std::thread::id main_thread;
static std::thread::id reader_thread;

static void print(json const& line) {
  std::lock_guard<std::mutex> lk(out_mu);
  std::cout << line.dump(-1, ' ', false, json::error_handler_t::replace) << std::endl;
}

// A string argument: NULL for JSON null or a missing trailing argument.
struct Str {
  std::string s;
  char const* p = nullptr;
  size_t n = 0;
  Str(json const& a, size_t k) {
    if (k >= a.size() || a[k].is_null()) return;
    s = a[k].get<std::string>();
    p = s.c_str();
    n = s.size();
  }
};

class Printer : public agora_sdk_cpp::ICallBack {
 public:
#include "generated/agent_callbacks.inc"

 private:
  // Strings arrive as pointer + size and NUL-terminated: apps print the pointer as a C string.
  static json text(char const* p, size_t n) {
    if (p == nullptr) return "<NULL>";
    if (p[n] != '\0') return "<NOT NUL-TERMINATED>";
    return std::string(p, n);
  }
  static void emit(char const* name, json args) {
    const auto me = std::this_thread::get_id();
    const char* th = me == main_thread ? "main" : me == reader_thread ? "reader" : "sdk";
    print(json{{"cb", name}, {"a", std::move(args)}, {"th", th}});
  }
};

using Call = std::function<void(agora_sdk_cpp::IAgoraAPI*, json const&)>;

static const std::map<std::string, Call>& calls() {
  static const std::map<std::string, Call> table = {
#include "generated/agent_calls.inc"
  };
  return table;
}

// Runs one line; false on "exit".
static bool run(agora_sdk_cpp::IAgoraAPI* api, std::string const& line) {
  json cmd = json::parse(line, nullptr, false);
  if (!cmd.is_array() || cmd.empty() || !cmd[0].is_string()) {
    print(json{{"bad", line}});
    return true;
  }
  const std::string m = cmd[0].get<std::string>();
  json a = json::array();
  for (size_t k = 1; k < cmd.size(); ++k) a.push_back(cmd[k]);
  if (m == "exit") return false;
  if (m == "sleep") {
    std::this_thread::sleep_for(std::chrono::milliseconds(a.at(0).get<int>()));
  } else if (m == "getStatus") {
    print(json{{"ret", m}, {"v", api->getStatus()}});
  } else if (m == "isOnline") {
    print(json{{"ret", m}, {"v", api->isOnline()}});
  } else if (m == "getSdkVersion") {
    print(json{{"ret", m}, {"v", api->getSdkVersion()}});
  } else if (m == "dbg") {
    Str k(a, 0), v(a, 1);
    api->dbg(k.p, k.n, v.p, v.n);
  } else if (m == "destroy") {
    api->destroy();
  } else {
    auto it = calls().find(m);
    if (it == calls().end()) print(json{{"bad", line}});
    else it->second(api, a);
  }
  print(json{{"done", m}});
  return true;
}

int main(int argc, char** argv) {
  const bool start_mode = argc > 1 && std::strcmp(argv[1], "--start") == 0;
  main_thread = std::this_thread::get_id();
  agora_sdk_cpp::IAgoraAPI* api = getAgoraSDKInstanceCPP();
  static Printer printer;
  api->callbackSet(&printer);
  print(json{{"ready", start_mode ? "start" : "no-start"}, {"handler_is_set", api->callbackGet() == &printer}});
  if (start_mode) {
    static std::atomic<bool> starting(false);
    std::thread reader([api] {
      // Calls begin once main is about to run start(), as in node-sig (start() first, then login).
      while (!starting.load()) std::this_thread::yield();
      std::string line;
      while (std::getline(std::cin, line) && run(api, line)) {
      }
      api->stop();
    });
    reader_thread = reader.get_id();
    starting.store(true);
    api->start();  // blocks: the SDK's loop on the app's thread until stop()
    reader.join();
  } else {
    std::string line;
    while (std::getline(std::cin, line) && run(api, line)) {
    }
  }
  print(json{{"bye", true}});
  return 0;
}
