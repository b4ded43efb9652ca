// Browser bundles use the browser's WebSocket; this stands in for the `ws` package they never load.
export default undefined;
