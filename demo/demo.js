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

  /* What the legacy codes a person meets here mean (names from the SDK headers). */
  var CODES = {
    101: 'LOGOUT_E_USER: you logged out', 102: 'LOGOUT_E_NET: connection lost', 103: 'LOGOUT_E_KICKED: logged in elsewhere',
    105: 'LOGOUT_E_TOKENEXPIRED: token expired', 201: 'LOGIN_E_NET: network error', 202: 'LOGIN_E_FAILED: login rejected',
    204: 'LOGIN_E_TOKENEXPIRED: token expired', 206: 'LOGIN_E_TOKENWRONG: invalid token', 208: 'LOGIN_E_ALREADY_LOGIN: already logged in',
    209: 'LOGIN_E_INVALID_USER: invalid account (1-64 characters, no quotes)'
  };
  function code(ecode) { return ecode + (CODES[ecode] ? ' (' + CODES[ecode] + ')' : ''); }
  function log(line) { $('log').textContent += line + '\n'; }
  function show(text) { var li = document.createElement('li'); li.textContent = text; $('messages').appendChild(li); }
  function enable(loggedIn) {
    ['logout', 'check-peer', 'send-peer', 'call', 'join'].forEach(function (id) { $(id).disabled = !loggedIn; });
    $('login').disabled = loggedIn;
    if (!loggedIn) inChannel(false);
  }
  /* Channel controls follow membership: one channel at a time, as the legacy web API allows. */
  function inChannel(joined) {
    ['leave', 'send-channel', 'set-topic'].forEach(function (id) { $(id).disabled = !joined; });
    $('join').disabled = joined || !session || $('login').disabled === false;
  }
  /* Enter in a field clicks its button; a sent message's field is cleared. */
  function onEnter(field, button) {
    $(field).addEventListener('keydown', function (e) { if (e.key === 'Enter' && !$(button).disabled) $(button).click(); });
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
    session.onLoginFailed = function (ecode) { $('status').textContent = 'login failed ' + code(ecode); log('onLoginFailed ' + ecode); };
    session.onLogout = function (ecode) {
      $('status').textContent = 'logged out (' + code(ecode) + ')';
      enable(false);
      channel = null; members = []; renderMembers(); $('member-count').textContent = '0'; $('channel-state').textContent = '';
      call = null; $('end-call').disabled = true; $('incoming').hidden = true; $('call-state').textContent = 'idle';
      $('peer-online').textContent = '?';
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
  $('logout').onclick = function () { if (session) session.logout(); };
  $('check-peer').onclick = function () {
    session.invoke('io.agora.signal.user_query_user_status', { account: $('peer').value.trim() }, function (err, resp) {
      $('peer-online').textContent = err ? 'error' : resp.status === 1 ? 'online' : 'offline';
    });
  };
  /* An answer about one peer says nothing about the next: forget it when the field changes. */
  $('peer').addEventListener('input', function () { $('peer-online').textContent = '?'; });
  $('send-peer').onclick = function () {
    var peer = $('peer').value.trim();
    var text = $('peer-msg').value;
    if (!peer || text === '') return;
    session.messageInstantSend(peer, text, function (failed) { show('me → ' + peer + ': ' + text + (failed ? ' (failed)' : '')); });
    $('peer-msg').value = '';
  };
  $('join').onclick = function () {
    if (channel) return; // one channel at a time: Join is off until Leave
    channel = session.channelJoin($('channel').value.trim());
    $('join').disabled = true;
    $('channel-state').textContent = 'joining…';
    channel.onChannelJoined = function () { $('channel-state').textContent = 'joined ' + channel.name; inChannel(true); };
    channel.onChannelJoinFailed = function (err) { $('channel-state').textContent = 'join failed: ' + code(err); channel = null; inChannel(false); };
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
    if (!channel) return;
    var leaving = channel;
    channel = null;
    inChannel(false);
    $('join').disabled = true;
    leaving.channelLeave(function () {
      $('channel-state').textContent = 'left';
      members = []; renderMembers(); $('member-count').textContent = '0';
      inChannel(false);
    });
  };
  $('send-channel').onclick = function () {
    var text = $('channel-msg').value;
    if (!channel || text === '') return;
    channel.messageChannelSend(text, function () {});
    $('channel-msg').value = '';
  };
  $('set-topic').onclick = function () { if (channel) channel.channelSetAttr('topic', $('topic').value, function () { log('topic set'); }); };
  $('call').onclick = function () {
    var c = session.channelInviteUser2($('channel').value.trim(), $('peer').value.trim(), JSON.stringify({ from: 'demo' }));
    bindCall(c);
    $('call-state').textContent = 'calling ' + c.peer;
  };
  $('accept').onclick = function () { call.channelInviteAccept('ok'); $('incoming').hidden = true; $('call-state').textContent = 'in call with ' + call.peer; };
  $('refuse').onclick = function () { call.channelInviteRefuse('{"status":0}'); $('incoming').hidden = true; $('call-state').textContent = 'refused'; $('end-call').disabled = true; };
  $('end-call').onclick = function () { if (call) call.channelInviteEnd(''); $('incoming').hidden = true; };
  onEnter('account', 'login');
  onEnter('peer-msg', 'send-peer');
  onEnter('channel-msg', 'send-channel');
  onEnter('topic', 'set-topic');
  log('AgoraSig ' + signal.getSDKVersion() + ' (sig2rtm)');
})();
