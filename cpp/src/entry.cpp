// The legacy entry points: the process-wide instance and independent ones.
#include "agora_sig.h"
#include "runtime.h"
#include "sdk.h"

extern "C" agora_sdk_cpp::IAgoraAPI* getAgoraSDKInstanceCPP() { return sig2rtm::Runtime::get().singleton(); }

extern "C" agora_sdk_cpp::IAgoraAPI* createAgoraSDKInstanceCPP() { return sig2rtm::Runtime::get().create(); }
