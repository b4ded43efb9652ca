/* The admin console: reads /admin/users, /admin/channels and /admin/stats with the admin token
 * (kept in this tab's sessionStorage only), refreshes every 2 s, computes the message rate from the
 * counter's growth, and kicks users with POST /admin/kick. */
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var last = null;
  var timer = null;

  function api(method, path) {
    return fetch(path, { method: method, headers: { authorization: 'Bearer ' + sessionStorage.getItem('sig2rtm-admin') } }).then(function (res) {
      if (res.status === 401) throw new Error('wrong admin token');
      if (!res.ok) throw new Error(method + ' ' + path + ': ' + res.status);
      return res.json();
    });
  }
  function cell(tr, text) { var td = document.createElement('td'); td.textContent = text; tr.appendChild(td); return td; }
  function query() { var app = $('app').value.trim(); return app ? '?appId=' + encodeURIComponent(app) : ''; }

  function refresh() {
    Promise.all([api('GET', '/admin/users' + query()), api('GET', '/admin/channels' + query()), api('GET', '/admin/stats')]).then(function (r) {
      $('error').textContent = '';
      var users = r[0].users, channels = r[1].channels, stats = r[2];
      $('users-count').textContent = String(users.length);
      $('channels-count').textContent = String(channels.length);
      $('connections').textContent = String(stats.connections);
      var now = Date.now();
      if (last) $('rate').textContent = (Math.max(0, stats.messages - last.messages) / ((now - last.at) / 1000)).toFixed(1);
      last = { messages: stats.messages, at: now };
      var tbody = $('users');
      tbody.innerHTML = '';
      users.forEach(function (u) {
        var tr = document.createElement('tr');
        cell(tr, u.appId); cell(tr, u.uid); cell(tr, u.presence); cell(tr, u.channels.join(', '));
        var b = document.createElement('button');
        b.textContent = 'Kick';
        b.className = 'kick';
        b.dataset.uid = u.uid;
        b.onclick = function () {
          api('POST', '/admin/kick?appId=' + encodeURIComponent(u.appId) + '&uid=' + encodeURIComponent(u.uid)).then(refresh, function (e) { $('error').textContent = e.message; });
        };
        cell(tr, '').appendChild(b);
        tbody.appendChild(tr);
      });
      var cbody = $('channels');
      cbody.innerHTML = '';
      channels.forEach(function (c) { var tr = document.createElement('tr'); cell(tr, c.appId); cell(tr, c.channel); cell(tr, String(c.members)); cbody.appendChild(tr); });
    }, function (e) { $('error').textContent = e.message; });
  }

  $('auth').onsubmit = function (e) {
    e.preventDefault();
    if ($('token').value) sessionStorage.setItem('sig2rtm-admin', $('token').value);
    $('token').value = '';
    last = null;
    refresh();
    clearInterval(timer);
    timer = setInterval(refresh, 2000);
  };
  if (sessionStorage.getItem('sig2rtm-admin')) $('auth').onsubmit({ preventDefault: function () {} });
})();
