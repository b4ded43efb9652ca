// A legacy Signaling C++ chat, written the way the official Linux tutorial was: the legacy header,
// one handler object, calls from the main thread reading stdin, callbacks on the SDK's thread.
// It compiles unchanged against sig2rtm's agora_sig.h and libagorasig:
//
//   g++ -std=c++11 chat.cpp -I dist/cpp/include -L dist/cpp/lib -lagorasig -lpthread -Wl,-rpath,$PWD/dist/cpp/lib -o chat
//   SIG2RTM_GATEWAY_URL=ws://localhost:8080/gateway ./chat <appId> <account>     (or: ./chat <appId> <account> localhost:8080)
//
// Commands: /msg <account> <text>, /join <channel>, /say <text>, /count, /call <account>, /accept,
// /quit. Anything the SDK reports is printed as one line.
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <time.h>

#include "agora_sig.h"

using namespace agora_sdk_cpp;

static std::mutex out;
static std::string channel;
static std::string caller, call_channel;

#define SAY(x)                          \
  do {                                  \
    std::lock_guard<std::mutex> g(out); \
    std::cout << x << std::endl;        \
  } while (0)

class Chat : public ICallBack {
 public:
  void onLoginSuccess(uint32_t uid, int fd) override { SAY("logged in (uid " << uid << ")"); }
  void onLoginFailed(int ecode) override { SAY("login failed (" << ecode << ")"); }
  void onLogout(int ecode) override { SAY("logged out (" << ecode << ")"); }
  void onReconnecting(uint32_t nretry) override { SAY("reconnecting (" << nretry << ")"); }
  void onReconnected(int fd) override { SAY("reconnected"); }
  void onChannelJoined(char const* channelID, size_t channelID_size) override { SAY("joined " << channelID); }
  void onChannelUserList(int n, char** accounts, uint32_t* uids) override {
    std::ostringstream s;
    for (int i = 0; i < n; i++) s << (i ? ", " : "") << accounts[i];
    SAY("in the channel: " << s.str());
  }
  void onChannelUserJoined(char const* account, size_t account_size, uint32_t uid) override { SAY(account << " joined"); }
  void onChannelUserLeaved(char const* account, size_t account_size, uint32_t uid) override { SAY(account << " left"); }
  void onMessageInstantReceive(char const* account, size_t account_size, uint32_t uid, char const* msg, size_t msg_size) override {
    SAY(account << ": " << std::string(msg, msg_size));
  }
  void onMessageChannelReceive(char const* channelID, size_t channelID_size, char const* account, size_t account_size, uint32_t uid, char const* msg, size_t msg_size) override {
    SAY("[" << channelID << "] " << account << ": " << std::string(msg, msg_size));
  }
  void onChannelQueryUserNumResult(char const* channelID, size_t channelID_size, int ecode, int num) override {
    SAY(num << " in " << channelID);
  }
  void onInviteReceived(char const* channelID, size_t channelID_size, char const* account, size_t account_size, uint32_t uid, char const* extra, size_t extra_size) override {
    {
      std::lock_guard<std::mutex> g(out);
      caller = account;
      call_channel = channelID;
    }
    SAY(account << " is calling (" << std::string(extra, extra_size) << "): /accept");
  }
  void onInviteAcceptedByPeer(char const* channelID, size_t channelID_size, char const* account, size_t account_size, uint32_t uid, char const* extra, size_t extra_size) override {
    SAY(account << " accepted the call");
  }
  void onInviteEndByPeer(char const* channelID, size_t channelID_size, char const* account, size_t account_size, uint32_t uid, char const* extra, size_t extra_size) override {
    SAY(account << " hung up");
  }
  void onMessageSendError(char const* messageID, size_t messageID_size, int ecode) override { SAY("not sent (" << ecode << ")"); }
  void onError(char const* name, size_t name_size, int ecode, char const* desc, size_t desc_size) override {
    SAY("error " << ecode << ": " << std::string(desc, desc_size));
  }
};

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: chat <appId> <account> [server host:port]" << std::endl;
    return 2;
  }
  std::string appId = argv[1], account = argv[2];
  IAgoraAPI* api = getAgoraSDKInstanceCPP();
  static Chat chat;
  api->callbackSet(&chat);
  if (argc > 3) api->dbg("lbss", 4, argv[3], std::string(argv[3]).size());
  api->login2(appId.c_str(), appId.size(), account.c_str(), account.size(), "_no_need_token", 14, 0, "", 0, 30, 3);

  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string cmd, arg;
    in >> cmd;
    std::string rest;
    if (cmd == "/msg") {
      in >> arg;
      std::getline(in >> std::ws, rest);
      api->messageInstantSend(arg.c_str(), arg.size(), 0, rest.c_str(), rest.size(), "", 0);
    } else if (cmd == "/join") {
      in >> channel;
      api->channelJoin(channel.c_str(), channel.size());
    } else if (cmd == "/say") {
      std::getline(in >> std::ws, rest);
      api->messageChannelSend(channel.c_str(), channel.size(), rest.c_str(), rest.size(), "", 0);
    } else if (cmd == "/count") {
      api->channelQueryUserNum(channel.c_str(), channel.size());
    } else if (cmd == "/call") {
      in >> arg;
      std::string room = account + "-" + arg;
      api->channelInviteUser(room.c_str(), room.size(), arg.c_str(), arg.size());
    } else if (cmd == "/accept") {
      std::string who, where;
      {
        std::lock_guard<std::mutex> g(out);
        who = caller;
        where = call_channel;
      }
      api->channelInviteAccept(where.c_str(), where.size(), who.c_str(), who.size(), 0);
    } else if (cmd == "/quit") {
      break;
    }
  }
  api->logout();
  // Give the logout its answer before leaving (the tutorial slept too).
  for (int i = 0; i < 100 && api->getStatus() != 0; i++) {
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, nullptr);
  }
  SAY("bye");
  return 0;
}
