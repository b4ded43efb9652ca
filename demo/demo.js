/* A small chat-and-call page written against the legacy Agora Signaling web API (Signal →
 * Session → Channel → Call), exactly as a legacy app would be. The only sig2rtm-specific line is
 * the <script src="/sdk/AgoraSig.js"> in index.html. */
(function () {
  'use strict';
  var APP_ID = '0123456789abcdef0123456789abcdef'; // the demo server runs in development mode
  var $ = function (id) { return document.getElementById(id); };
  var signal = Signal(APP_ID);
  var session = null;
  var channel = null;
  var call = null;
  var members = [];

  function log(line) { $('log').textContent += line + '\n'; }
  function show(text) { var li = document.createElement('li'); li.textContent = text; $('messages').appendChild(li); }
  function enable(loggedIn) {
    ['logout', 'check-peer', 'send-peer', 'call', 'join', 'send-channel', 'set-topic'].forEach(function (id) { $(id).disabled = !loggedIn; });
    $('login').disabled = loggedIn;
  }
  function renderMembers() {
    var ul = $('members');
    ul.innerHTML = '';
    members.forEach(function (m) { var li = document.createElement('li'); li.textContent = m; ul.appendChild(li); });
    $('member-count').textContent = String(members.length);
  }
  /* The server's count (channelQueryUserNum's RPC); the list above keeps it current in between. */
  function refreshCount() {
    if (!session || !channel) return;
    session.invoke('io.agora.signal.channel_query_num', { name: channel.name }, function (err, resp) {
      if (!err) $('member-count').textContent = String(resp.num);
    });
  }
  function bindCall(c) {
    call = c;
    $('end-call').disabled = false;
    c.onInviteReceivedByPeer = function () { $('call-state').textContent = 'ringing ' + c.peer; };
    c.onInviteAcceptedByPeer = function (extra) { $('call-state').textContent = 'in call with ' + c.peer + ' (' + extra + ')'; };
    c.onInviteRefusedByPeer = function (extra) { $('call-state').textContent = 'refused by ' + c.peer + ' (' + extra + ')'; $('end-call').disabled = true; };
    c.onInviteFailed = function (extra) { $('call-state').textContent = 'call failed ' + extra; $('end-call').disabled = true; };
    c.onInviteEndByPeer = function () { $('call-state').textContent = 'ended by ' + c.peer; $('end-call').disabled = true; $('incoming').hidden = true; };
    c.onInviteEndByMyself = function () { $('call-state').textContent = 'ended'; $('end-call').disabled = true; };
  }

  $('login').onclick = function () {
    var account = $('account').value.trim();
    session = signal.login(account, '_no_need_token');
    $('status').textContent = 'logging in…';
    session.onLoginSuccess = function (uid) {
      $('status').textContent = 'logged in as ' + account + ' (uid ' + uid + ')';
      enable(true);
      log('onLoginSuccess ' + uid);
    };
    session.onLoginFailed = function (ecode) { $('status').textContent = 'login failed ' + ecode; log('onLoginFailed ' + ecode); };
    session.onLogout = function (ecode) {
      $('status').textContent = 'logged out (' + ecode + ')';
      enable(false);
      channel = null; members = []; renderMembers(); $('member-count').textContent = '0'; $('channel-state').textContent = '';
      log('onLogout ' + ecode);
    };
    session.onMessageInstantReceive = function (account, uid, msg) { show(account + ' → me: ' + msg); };
    session.onInviteReceived = function (c) {
      bindCall(c);
      $('caller').textContent = c.peer;
      $('incoming-extra').textContent = c.extra;
      $('incoming').hidden = false;
      $('call-state').textContent = 'incoming from ' + c.peer;
    };
  };
  $('logout').onclick = function () { session.logout(); };
  $('check-peer').onclick = function () {
    session.invoke('io.agora.signal.user_query_user_status', { account: $('peer').value.trim() }, function (err, resp) {
      $('peer-online').textContent = err ? 'error' : resp.status === 1 ? 'online' : 'offline';
    });
  };
  $('send-peer').onclick = function () {
    var peer = $('peer').value.trim();
    var text = $('peer-msg').value;
    session.messageInstantSend(peer, text, function (failed) { show('me → ' + peer + ': ' + text + (failed ? ' (failed)' : '')); });
  };
  $('join').onclick = function () {
    channel = session.channelJoin($('channel').value.trim());
    $('channel-state').textContent = 'joining…';
    channel.onChannelJoined = function () { $('channel-state').textContent = 'joined ' + channel.name; $('leave').disabled = false; };
    channel.onChannelJoinFailed = function (err) { $('channel-state').textContent = 'join failed: ' + err; };
    channel.onChannelUserList = function (list) {
      members = list.map(function (p) { return p[0]; });
      renderMembers();
      refreshCount();
    };
    channel.onChannelUserJoined = function (account) { members.push(account); renderMembers(); };
    channel.onChannelUserLeaved = function (account) { members = members.filter(function (m) { return m !== account; }); renderMembers(); };
    channel.onMessageChannelReceive = function (account, uid, msg) { show('[' + channel.name + '] ' + account + ': ' + msg); };
    channel.onChannelAttrUpdated = function (name, value, type) {
      if (name === 'topic' || type === 'clear') $('topic-value').textContent = type === 'update' ? value : '';
    };
  };
  $('leave').onclick = function () {
    channel.channelLeave(function () {
      $('channel-state').textContent = 'left';
      members = []; renderMembers(); $('member-count').textContent = '0'; $('leave').disabled = true;
      channel = null;
    });
  };
  $('send-channel').onclick = function () { if (channel) channel.messageChannelSend($('channel-msg').value, function () {}); };
  $('set-topic').onclick = function () { if (channel) channel.channelSetAttr('topic', $('topic').value, function () { log('topic set'); }); };
  $('call').onclick = function () {
    var c = session.channelInviteUser2($('channel').value.trim(), $('peer').value.trim(), JSON.stringify({ from: 'demo' }));
    bindCall(c);
    $('call-state').textContent = 'calling ' + c.peer;
  };
  $('accept').onclick = function () { call.channelInviteAccept('ok'); $('incoming').hidden = true; $('call-state').textContent = 'in call with ' + call.peer; };
  $('refuse').onclick = function () { call.channelInviteRefuse('{"status":0}'); $('incoming').hidden = true; $('call-state').textContent = 'refused'; $('end-call').disabled = true; };
  $('end-call').onclick = function () { if (call) call.channelInviteEnd(''); $('incoming').hidden = true; };
  log('AgoraSig ' + signal.getSDKVersion() + ' (sig2rtm)');
})();
