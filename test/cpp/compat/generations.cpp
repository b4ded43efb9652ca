// A legacy app in the style of the 2018 demos (unibosy demo_multi.cpp, node-sig), written by hand
// against agora_sig.h: it overrides all 37 callbacks with `override` (so any change of a signature
// breaks this build), uses members of both header generations (destory() and destroy(), both forms
// of channelInviteAccept, the default uid of channelInviteUser, messageChannelSend2,
// LOGIN_E_INVALID_USER), runs two instances, and one start() on a thread of its own for both.
// Usage: generations <appId>   (server from SIG2RTM_GATEWAY_URL)
#include <stdio.h>
#include <string.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "agora_sig.h"

using namespace agora_sdk_cpp;

static std::atomic<int> logged_in(0);
static std::atomic<int> failed_invalid_user(0);

class Handler : public ICallBack {
 public:
  explicit Handler(const char* name) : name_(name) {}
  void onReconnecting(uint32_t nretry) override { (void)nretry; }
  void onReconnected(int fd) override { (void)fd; }
  void onLoginSuccess(uint32_t uid, int fd) override {
    printf("%s logged in uid=%u fd=%d\n", name_, uid, fd);
    fflush(stdout);
    logged_in++;
  }
  void onLogout(int ecode) override { printf("%s logout %d\n", name_, ecode); }
  void onLoginFailed(int ecode) override {
    if (ecode == LOGIN_E_INVALID_USER) failed_invalid_user++;
  }
  void onChannelJoined(char const* channelID, size_t channelID_size) override { (void)channelID, (void)channelID_size; }
  void onChannelJoinFailed(char const* channelID, size_t channelID_size, int ecode) override { (void)channelID, (void)channelID_size, (void)ecode; }
  void onChannelLeaved(char const* channelID, size_t channelID_size, int ecode) override { (void)channelID, (void)channelID_size, (void)ecode; }
  void onChannelUserJoined(char const* account, size_t account_size, uint32_t uid) override { (void)account, (void)account_size, (void)uid; }
  void onChannelUserLeaved(char const* account, size_t account_size, uint32_t uid) override { (void)account, (void)account_size, (void)uid; }
  void onChannelUserList(int n, char** accounts, uint32_t* uids) override { (void)n, (void)accounts, (void)uids; }
  void onChannelQueryUserNumResult(char const* channelID, size_t channelID_size, int ecode, int num) override { (void)channelID, (void)channelID_size, (void)ecode, (void)num; }
  void onChannelQueryUserIsIn(char const* channelID, size_t channelID_size, char const* account, size_t account_size, int isIn) override { (void)channelID, (void)channelID_size, (void)account, (void)account_size, (void)isIn; }
  void onChannelAttrUpdated(char const* channelID, size_t channelID_size, char const* name, size_t name_size, char const* value, size_t value_size, char const* type, size_t type_size) override { (void)channelID, (void)channelID_size, (void)name, (void)name_size, (void)value, (void)value_size, (void)type, (void)type_size; }
  void onInviteReceived(char const* channelID, size_t channelID_size, char const* account, size_t account_size, uint32_t uid, char const* extra, size_t extra_size) override {
    printf("%s invited to %.*s by %.*s extra=%.*s\n", name_, (int)channelID_size, channelID, (int)account_size, account, (int)extra_size, extra);
    fflush(stdout);
    (void)uid;
  }
  void onInviteReceivedByPeer(char const* channelID, size_t channelID_size, char const* account, size_t account_size, uint32_t uid) override { (void)channelID, (void)channelID_size, (void)account, (void)account_size, (void)uid; }
  void onInviteAcceptedByPeer(char const* channelID, size_t channelID_size, char const* account, size_t account_size, uint32_t uid, char const* extra, size_t extra_size) override {
    printf("%s call accepted by %.*s extra=%.*s\n", name_, (int)account_size, account, (int)extra_size, extra);
    fflush(stdout);
    (void)channelID, (void)channelID_size, (void)uid;
  }
  void onInviteRefusedByPeer(char const* channelID, size_t channelID_size, char const* account, size_t account_size, uint32_t uid, char const* extra, size_t extra_size) override { (void)channelID, (void)channelID_size, (void)account, (void)account_size, (void)uid, (void)extra, (void)extra_size; }
  void onInviteFailed(char const* channelID, size_t channelID_size, char const* account, size_t account_size, uint32_t uid, int ecode, char const* extra, size_t extra_size) override { (void)channelID, (void)channelID_size, (void)account, (void)account_size, (void)uid, (void)ecode, (void)extra, (void)extra_size; }
  void onInviteEndByPeer(char const* channelID, size_t channelID_size, char const* account, size_t account_size, uint32_t uid, char const* extra, size_t extra_size) override { (void)channelID, (void)channelID_size, (void)account, (void)account_size, (void)uid, (void)extra, (void)extra_size; }
  void onInviteEndByMyself(char const* channelID, size_t channelID_size, char const* account, size_t account_size, uint32_t uid) override { (void)channelID, (void)channelID_size, (void)account, (void)account_size, (void)uid; }
  void onInviteMsg(char const* channelID, size_t channelID_size, char const* account, size_t account_size, uint32_t uid, char const* msgType, size_t msgType_size, char const* msgData, size_t msgData_size, char const* extra, size_t extra_size) override { (void)channelID, (void)channelID_size, (void)account, (void)account_size, (void)uid, (void)msgType, (void)msgType_size, (void)msgData, (void)msgData_size, (void)extra, (void)extra_size; }
  void onMessageSendError(char const* messageID, size_t messageID_size, int ecode) override { (void)messageID, (void)messageID_size, (void)ecode; }
  void onMessageSendProgress(char const* account, size_t account_size, char const* messageID, size_t messageID_size, char const* type, size_t type_size, char const* info, size_t info_size) override { (void)account, (void)account_size, (void)messageID, (void)messageID_size, (void)type, (void)type_size, (void)info, (void)info_size; }
  void onMessageSendSuccess(char const* messageID, size_t messageID_size) override { (void)messageID, (void)messageID_size; }
  void onMessageAppReceived(char const* msg, size_t msg_size) override { (void)msg, (void)msg_size; }
  void onMessageInstantReceive(char const* account, size_t account_size, uint32_t uid, char const* msg, size_t msg_size) override { (void)account, (void)account_size, (void)uid, (void)msg, (void)msg_size; }
  void onMessageChannelReceive(char const* channelID, size_t channelID_size, char const* account, size_t account_size, uint32_t uid, char const* msg, size_t msg_size) override { (void)channelID, (void)channelID_size, (void)account, (void)account_size, (void)uid, (void)msg, (void)msg_size; }
  void onLog(char const* txt, size_t txt_size) override { (void)txt, (void)txt_size; }
  void onInvokeRet(char const* callID, size_t callID_size, char const* err, size_t err_size, char const* resp, size_t resp_size) override { (void)callID, (void)callID_size, (void)err, (void)err_size, (void)resp, (void)resp_size; }
  void onMsg(char const* from, size_t from_size, char const* t, size_t t_size, char const* msg, size_t msg_size) override { (void)from, (void)from_size, (void)t, (void)t_size, (void)msg, (void)msg_size; }
  void onUserAttrResult(char const* account, size_t account_size, char const* name, size_t name_size, char const* value, size_t value_size) override { (void)account, (void)account_size, (void)name, (void)name_size, (void)value, (void)value_size; }
  void onUserAttrAllResult(char const* account, size_t account_size, char const* value, size_t value_size) override { (void)account, (void)account_size, (void)value, (void)value_size; }
  void onError(char const* name, size_t name_size, int ecode, char const* desc, size_t desc_size) override { (void)name, (void)name_size, (void)ecode, (void)desc, (void)desc_size; }
  void onQueryUserStatusResult(char const* name, size_t name_size, char const* status, size_t status_size) override { (void)name, (void)name_size, (void)status, (void)status_size; }
  void onDbg(char const* a, size_t a_size, char const* b, size_t b_size) override { (void)a, (void)a_size, (void)b, (void)b_size; }
  void onBCCall_result(char const* reason, size_t reason_size, char const* json_ret, size_t json_ret_size, char const* callID, size_t callID_size) override { (void)reason, (void)reason_size, (void)json_ret, (void)json_ret_size, (void)callID, (void)callID_size; }

 private:
  const char* name_;
};

static void wait_for(std::atomic<int>& n, int want) {
  for (int k = 0; k < 500 && n < want; ++k) std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  std::string appId = argv[1];
  AGORA_E_CODE unused = SUCCESS;
  (void)unused;

  IAgoraAPI* alpha = getAgoraSDKInstanceCPP();
  IAgoraAPI* beta = createAgoraSDKInstanceCPP();
  if (alpha == beta || alpha != getAgoraSDKInstanceCPP()) return 3;
  Handler ha("alpha"), hb("beta");
  alpha->callbackSet(&ha);
  beta->callbackSet(&hb);

  // One start() for every instance, on a thread of its own (unibosy demo_multi.cpp).
  std::thread loop([alpha] { alpha->start(); });

  alpha->login2(appId.c_str(), appId.size(), "alpha", 5, "_no_need_token", 14, 0, "", 0, 30, 3);
  beta->login(appId.c_str(), appId.size(), "beta", 4, "_no_need_token", 14, 0, "", 0);
  wait_for(logged_in, 2);
  beta->login2(appId.c_str(), appId.size(), "", 0, "_no_need_token", 14, 0, "", 0, 30, 3);  // beta is logged in: ignored

  // Both generations' calls.
  alpha->channelInviteUser("call", 4, "beta", 4);  // uid = 0 by default
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  beta->channelInviteAccept("call", 4, "alpha", 5, 0);  // the older 3-argument form
  alpha->messageChannelSend2("call", 4, "x", 1, "", 0, "", 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  IAgoraAPI* gamma = createAgoraSDKInstanceCPP();
  Handler hc("gamma");
  gamma->callbackSet(&hc);
  gamma->login2(appId.c_str(), appId.size(), "bad user", 8, "_no_need_token", 14, 0, "", 0, 30, 3);
  wait_for(failed_invalid_user, 1);
  printf("invalid user refused: %d\n", (int)failed_invalid_user);

  beta->destory();  // the 2018 spelling
  alpha->destroy();  // the 1.4 spelling
  alpha->stop();
  loop.join();
  printf("done\n");
  return 0;
}
