/**
 * The browser bundles are UMD, like the official files: scripts/build-browser.mjs wraps each in a
 * factory that receives `__sig2rtmScriptTag`, true when loaded by a script tag (the global is set)
 * and false under CommonJS or AMD (module.exports / define get the export).
 */

declare const __sig2rtmScriptTag: boolean | undefined;

export const loadedByScriptTag: boolean = typeof __sig2rtmScriptTag === 'boolean' ? __sig2rtmScriptTag : true;
