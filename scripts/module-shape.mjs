// The CommonJS shape of the official packages: `require('agora-rtm-sdk')` *is* AgoraRTM and
// `require('agora-signaling-sdk')` *is* the Signal factory. Appended to our CommonJS entries that
// have a default export: module.exports becomes that default, carrying the named exports as
// properties, `.default` (itself) and `__esModule`, so that `import X from`, `import * as X from`
// and `require` all give the same object in Node and in every bundler.
export const cjsShapeFooter = `;(function (m) {
  var e = m.exports, d = e && e.default;
  if (d === null || (typeof d !== 'object' && typeof d !== 'function')) return;
  Object.keys(e).forEach(function (k) { if (k !== 'default' && !(k in d)) d[k] = e[k]; });
  d.default = d;
  if (!Object.prototype.hasOwnProperty.call(d, '__esModule')) Object.defineProperty(d, '__esModule', { value: true });
  m.exports = d;
})(module);
`;
