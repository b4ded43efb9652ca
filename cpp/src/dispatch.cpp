// Callback frames to ICallBack calls, by the generated table (generated/callbacks.inc): each row
// names the argument kinds it needs, checked before the call, so a frame that does not fit is
// reported instead of crashing the app.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "sdk.h"

namespace sig2rtm {

using nlohmann::json;

std::string wire_string(char const* p, size_t n) {
  if (p == nullptr) return std::string();
  return std::string(p, n);
}

namespace {

// onChannelUserList(int n, char** accounts, uint32_t* uids): NUL-terminated copies that live for the call.
class UserList {
 public:
  UserList(json const& accounts, json const& uids) {
    for (auto const& a : accounts) names_.push_back(a.get<std::string>());
    for (auto& s : names_) pointers_.push_back(&s[0]);
    for (auto const& u : uids) uids_.push_back(u.get<uint32_t>());
    uids_.resize(names_.size(), 0);
    pointers_.push_back(nullptr);
  }
  int count() const { return static_cast<int>(names_.size()); }
  char** accounts() { return pointers_.data(); }
  uint32_t* uids() { return uids_.data(); }

 private:
  std::vector<std::string> names_;
  std::vector<char*> pointers_;
  std::vector<uint32_t> uids_;
};

struct Row {
  char const* kinds;
  void (*invoke)(agora_sdk_cpp::ICallBack*, json const&);
};

const std::unordered_map<std::string, Row>& table() {
  static const std::unordered_map<std::string, Row> rows = {
#include "generated/callbacks.inc"
  };
  return rows;
}

bool fits(char kind, json const& v) {
  switch (kind) {
    case 's':
      return v.is_string();
    case 'u':
      return v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0 && v.get<int64_t>() <= 0xffffffffLL);
    case 'i':
      return v.is_number_integer() && v.get<int64_t>() >= INT32_MIN && v.get<int64_t>() <= INT32_MAX;
    case 'S':
      if (!v.is_array()) return false;
      for (auto const& e : v)
        if (!e.is_string()) return false;
      return true;
    case 'U':
      if (!v.is_array()) return false;
      for (auto const& e : v)
        if (!fits('u', e)) return false;
      return true;
    default:
      return false;
  }
}

}  // namespace

bool dispatch_callback(agora_sdk_cpp::ICallBack* cb, std::string const& name, json const& args) {
  auto const& rows = table();
  auto it = rows.find(name);
  if (it == rows.end() || !args.is_array()) return false;
  const std::string kinds = it->second.kinds;
  if (args.size() != kinds.size()) return false;
  for (size_t k = 0; k < kinds.size(); ++k)
    if (!fits(kinds[k], args[k])) return false;
  it->second.invoke(cb, args);
  return true;
}

}  // namespace sig2rtm
