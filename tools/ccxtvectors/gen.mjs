#!/usr/bin/env node
// Peer-oracle generator for hmacctl's request-signing tests.
//
// For each exchange it calls ccxt's own sign(path, api, method, params)
// directly (no network) with fixed fake credentials and a frozen clock, and
// prints one JSON document of test vectors on stdout. The Go tests read the
// committed output (profiles/testdata/ccxt-vectors.json); they never run this.
//
//   cd tools/ccxtvectors && npm ci && node gen.mjs > ../../profiles/testdata/ccxt-vectors.json
//
// The run is deterministic: the clock is frozen, ccxt's random id helpers
// (uuid, uuid16, uuid22) are made to throw so any random injection is caught,
// and Date.now / Math.random throw while sign() runs.

import { readFileSync } from 'node:fs';
import ccxt from 'ccxt';

const PINNED_VERSION = '4.5.82';
// ccxt's "exports" hides package.json, and ccxt.version lags the release
// (4.5.82 reports '4.5.81'), so read the installed package.json directly.
const installedVersion = JSON.parse(readFileSync(new URL('./node_modules/ccxt/package.json', import.meta.url), 'utf8')).version;
if (installedVersion !== PINNED_VERSION) {
    throw new Error(`ccxt ${installedVersion} installed, but the vectors are pinned to ${PINNED_VERSION}; run npm ci`);
}

// 2023-11-14T22:13:20.123Z
const CLOCK_MS = 1700000000123;

// Obviously fake credentials. Kraken and Coinbase Exchange want a base64
// secret: base64 of the 64 bytes 0x00..0x3f.
const B64_SECRET = Buffer.from(Array.from({ length: 64 }, (_, i) => i)).toString('base64');
const PASSPHRASE = 'hmacctl-test-passphrase';

function creds (id, { base64Secret = false, passphrase = false } = {}) {
    const c = {
        api_key: `hmacctl-test-key-${id}`,
        api_secret: base64Secret ? B64_SECRET : `hmacctl-test-secret-${id}`,
    };
    if (passphrase) {
        c.passphrase = PASSPHRASE;
    }
    return c;
}

// Per exchange: credentials, ccxt option overrides (recorded in the output so a
// vector can be regenerated), how to read the timestamp and the signature out
// of the signed request, and the calls to sign.
const EXCHANGES = [
    {
        id: 'binance',
        credentials: creds('binance'),
        options: {},
        timestamp: (r) => formParam(r, 'timestamp'),
        signature: (r) => (r.body !== undefined
            ? { value: new URLSearchParams(r.body).get('signature'), location: 'body:signature' }
            : { value: new URL(r.url).searchParams.get('signature'), location: 'query:signature' }),
        calls: [
            {
                name: 'GET account with query',
                api: 'private', path: 'account', method: 'GET',
                params: { omitZeroBalances: 'true' },
            },
            {
                name: 'POST order (form body)',
                api: 'private', path: 'order', method: 'POST',
                params: {
                    symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC',
                    quantity: '0.001', price: '35000.00', newClientOrderId: 'hmacctl-test-order-1',
                },
                notes: 'newClientOrderId is passed explicitly: without it ccxt sign() injects "x-TKT5PX2F" + uuid22() (random broker client order id) on POST order.',
            },
            {
                name: 'DELETE order with query',
                api: 'private', path: 'order', method: 'DELETE',
                params: { symbol: 'BTCUSDT', origClientOrderId: 'hmacctl-test-order-1' },
            },
        ],
        notes: 'String to sign is the urlencoded parameter string itself ("timestamp=<ms>&<params in given order>&recvWindow=10000"); ccxt puts timestamp FIRST, then the caller params in insertion order, then appends recvWindow=10000 (options.recvWindow default) LAST. HMAC-SHA256 hex, lowercase, with the secret as key; appended as "&signature=<hex>" to the query (GET/DELETE) or to the form body (POST, Content-Type application/x-www-form-urlencoded). API key travels in X-MBX-APIKEY. urlencode is RFC 3986 style (encodeURIComponent plus * ( ) ! \' escaped).',
    },
    {
        id: 'okx',
        credentials: creds('okx', { passphrase: true }),
        options: {},
        timestamp: (r) => r.headers['OK-ACCESS-TIMESTAMP'],
        signature: (r) => ({ value: r.headers['OK-ACCESS-SIGN'], location: 'header:OK-ACCESS-SIGN' }),
        calls: [
            {
                name: 'GET account/balance with query',
                api: 'private', path: 'account/balance', method: 'GET',
                params: { ccy: 'BTC,ETH' },
                notes: 'The comma is percent-encoded (%2C) both in the url and in the signed string.',
            },
            {
                name: 'POST trade/order with JSON body',
                api: 'private', path: 'trade/order', method: 'POST',
                params: {
                    instId: 'BTC-USDT', tdMode: 'cash', side: 'buy', ordType: 'limit',
                    px: '35000', sz: '0.001', clOrdId: 'hmacctlTestOrder1',
                },
                notes: 'clOrdId is passed explicitly: without it ccxt sign() injects clOrdId = brokerId + uuid16() (random) and tag = brokerId ("6b9ad766b55dBCDE") on POST trade/order, trade/batch-orders and trade/order-algo.',
            },
        ],
        notes: 'String to sign = timestamp + METHOD + requestPath (+ "?" + urlencoded query for GET, or + JSON body for POST). Timestamp is ISO 8601 UTC with milliseconds ("2023-11-14T22:13:20.123Z"). HMAC-SHA256, base64. Headers OK-ACCESS-KEY, OK-ACCESS-PASSPHRASE (plain passphrase), OK-ACCESS-TIMESTAMP, OK-ACCESS-SIGN; POST adds Content-Type application/json. JSON body is compact (no spaces), keys in insertion order.',
    },
    {
        id: 'bybit',
        credentials: creds('bybit'),
        options: {},
        // ccxt adds "Referer: <options.brokerId || 'CCXT'>" to every POST; not signed.
        brokerHeaders: ['Referer'],
        timestamp: (r) => r.headers['X-BAPI-TIMESTAMP'],
        signature: (r) => ({ value: r.headers['X-BAPI-SIGN'], location: 'header:X-BAPI-SIGN' }),
        calls: [
            {
                name: 'GET v5/order/realtime with query',
                api: 'private', path: 'v5/order/realtime', method: 'GET',
                params: { category: 'spot', symbol: 'BTCUSDT' },
            },
            {
                name: 'POST v5/order/create with JSON body',
                api: 'private', path: 'v5/order/create', method: 'POST',
                params: {
                    category: 'spot', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit',
                    qty: '0.001', price: '35000', orderLinkId: 'hmacctl-test-order-1',
                },
            },
        ],
        notes: 'v5: string to sign = timestamp(ms) + apiKey + recvWindow + (GET: query string | POST: JSON body). recvWindow is options.recvWindow = 5000, sent as header X-BAPI-RECV-WINDOW. GET query is built with rawencode, i.e. NOT percent-encoded, in insertion order, and ccxt appends "?" + query to the url even when the query is empty. HMAC-SHA256 hex in X-BAPI-SIGN; headers also X-BAPI-API-KEY, X-BAPI-TIMESTAMP, and Content-Type application/json on GET too. On POST ccxt also adds "Referer: CCXT" (its broker id; not signed, listed in ccxt_broker_headers).',
    },
    {
        id: 'kucoin',
        credentials: creds('kucoin', { passphrase: true }),
        // ccxt by default adds its own partner attribution (KC-API-PARTNER,
        // KC-API-PARTNER-SIGN = HMAC of timestamp+partnerId+apiKey under ccxt's
        // partner key, KC-API-PARTNER-VERIFY). That is ccxt's affiliate tag, not
        // exchange auth, so it is switched off here.
        options: { partner: {} },
        timestamp: (r) => r.headers['KC-API-TIMESTAMP'],
        signature: (r) => ({ value: r.headers['KC-API-SIGN'], location: 'header:KC-API-SIGN' }),
        calls: [
            {
                name: 'GET accounts with query',
                api: 'private', path: 'accounts', method: 'GET',
                params: { currency: 'USDT', type: 'trade' },
            },
            {
                name: 'POST orders with JSON body',
                api: 'private', path: 'orders', method: 'POST',
                params: {
                    clientOid: 'hmacctl-test-order-1', side: 'buy', symbol: 'BTC-USDT',
                    type: 'limit', price: '35000', size: '0.001',
                },
            },
        ],
        notes: 'String to sign = timestamp(ms) + METHOD + endpoint (path incl. "?" + query for GET/DELETE; query built with rawencode, i.e. NOT percent-encoded) + JSON body (POST). HMAC-SHA256 base64 in KC-API-SIGN. KC-API-KEY-VERSION is "2", so KC-API-PASSPHRASE is not the plain passphrase but base64(HMAC-SHA256(key=secret, msg=passphrase)). Endpoint version: options.version "v1" unless options.versions maps the path (both endpoints here are v1). ccxt default options.partner adds KC-API-PARTNER / KC-API-PARTNER-SIGN / KC-API-PARTNER-VERIFY headers (ccxt affiliate tag); disabled here via options.partner = {}.',
    },
    {
        id: 'gate',
        credentials: creds('gate'),
        options: {},
        timestamp: (r) => r.headers.Timestamp,
        signature: (r) => ({ value: r.headers.SIGN, location: 'header:SIGN' }),
        calls: [
            {
                name: 'GET spot/orders with query',
                api: ['private', 'spot'], path: 'orders', method: 'GET',
                params: { currency_pair: 'BTC_USDT', status: 'open' },
            },
            {
                name: 'POST spot/orders with JSON body',
                api: ['private', 'spot'], path: 'orders', method: 'POST',
                params: {
                    text: 't-hmacctl-test-1', currency_pair: 'BTC_USDT', type: 'limit', account: 'spot',
                    side: 'buy', amount: '0.001', price: '35000', time_in_force: 'gtc',
                },
            },
        ],
        notes: 'APIv4: string to sign = METHOD + "\\n" + "/api/v4" + path + "\\n" + query + "\\n" + hex(SHA512(body or "")) + "\\n" + timestamp(seconds). HMAC-SHA512 hex in header SIGN; headers KEY, Timestamp (unix seconds, floor of ms/1000), SIGN, Content-Type application/json (also on GET). The signed query is rawencode (not percent-encoded) while the url carries the percent-encoded form; with these plain params they are identical. Note ccxt JS urlencode/rawencode ignore their "sort" flag, so the query is in insertion order, not sorted (the params here are given already sorted). Empty query line is the empty string; the body hash for GET is SHA512 of "" (cf83e135...).',
    },
    {
        id: 'kraken',
        credentials: creds('kraken', { base64Secret: true }),
        options: {},
        timestamp: (r) => formParam(r, 'nonce'),
        signature: (r) => ({ value: r.headers['API-Sign'], location: 'header:API-Sign' }),
        calls: [
            {
                name: 'POST Balance (nonce only)',
                api: 'private', path: 'Balance', method: 'POST',
                params: {},
            },
            {
                name: 'POST AddOrder with form body',
                api: 'private', path: 'AddOrder', method: 'POST',
                params: {
                    ordertype: 'limit', type: 'buy', volume: '0.001', pair: 'XBTUSD', price: '35000',
                    cl_ord_id: 'hmacctl-test-order-1',
                },
            },
        ],
        notes: 'Private endpoints are POST only, form-encoded body "nonce=<ms>&<params in insertion order>" (nonce FIRST). Nonce = milliseconds (13 digits). API-Sign = base64(HMAC-SHA512(key=base64decode(secret), msg=urlpath_bytes || SHA256(nonce + body))) where urlpath is "/0/private/<Method>" and SHA256 is the raw 32-byte digest. Headers API-Key, API-Sign, Content-Type application/x-www-form-urlencoded. (ccxt switches to a JSON body for AddOrderBatch, CancelOrderBatch and percent trigger prices; not covered here.)',
    },
    {
        id: 'bitget',
        credentials: creds('bitget', { passphrase: true }),
        options: {},
        // ccxt's broker code (options.broker, default "p4sve"); not signed.
        brokerHeaders: ['X-CHANNEL-API-CODE'],
        timestamp: (r) => r.headers['ACCESS-TIMESTAMP'],
        signature: (r) => ({ value: r.headers['ACCESS-SIGN'], location: 'header:ACCESS-SIGN' }),
        calls: [
            {
                name: 'GET v2/spot/account/assets with query (keys given unsorted)',
                api: ['private', 'spot'], path: 'v2/spot/account/assets', method: 'GET',
                params: { coin: 'USDT', assetType: 'hold_only' },
                notes: 'Params were given as coin, assetType; ccxt keysorts GET params, so url and signed string carry assetType first.',
            },
            {
                name: 'POST v2/spot/trade/place-order with JSON body',
                api: ['private', 'spot'], path: 'v2/spot/trade/place-order', method: 'POST',
                params: {
                    symbol: 'BTCUSDT', side: 'buy', orderType: 'limit', force: 'gtc',
                    price: '35000', size: '0.001', clientOid: 'hmacctl-test-order-1',
                },
            },
        ],
        notes: 'String to sign = timestamp(ms) + METHOD + "/api/" + path (+ "?" + query for GET, query keys SORTED and signed raw/not percent-encoded while the url carries the percent-encoded form; + JSON body for POST, keys in insertion order). HMAC-SHA256 base64 in ACCESS-SIGN; headers ACCESS-KEY, ACCESS-SIGN, ACCESS-TIMESTAMP, ACCESS-PASSPHRASE (plain), Content-Type application/json on POST only. ccxt also sends X-CHANNEL-API-CODE: p4sve (its broker code from options.broker; not signed, listed in ccxt_broker_headers).',
    },
    {
        id: 'coinbaseexchange',
        credentials: creds('coinbaseexchange', { base64Secret: true, passphrase: true }),
        options: {},
        timestamp: (r) => r.headers['CB-ACCESS-TIMESTAMP'],
        signature: (r) => ({ value: r.headers['CB-ACCESS-SIGN'], location: 'header:CB-ACCESS-SIGN' }),
        calls: [
            {
                name: 'GET orders with query',
                api: 'private', path: 'orders', method: 'GET',
                params: { status: 'open', product_id: 'BTC-USD' },
                notes: 'Query is in insertion order (status, product_id), not sorted.',
            },
            {
                name: 'POST orders with JSON body',
                api: 'private', path: 'orders', method: 'POST',
                params: {
                    client_oid: '00000000-0000-4000-8000-000000000001', type: 'limit', side: 'buy',
                    product_id: 'BTC-USD', price: '35000.00', size: '0.001',
                },
            },
        ],
        notes: 'String to sign = timestamp + METHOD + requestPath (incl. "?" + urlencoded query for GET) + JSON body (non-GET). Timestamp is unix SECONDS (ccxt base nonce() = seconds(), floor of ms/1000), not ms. CB-ACCESS-SIGN = base64(HMAC-SHA256(key=base64decode(secret), msg)). Headers CB-ACCESS-KEY, CB-ACCESS-SIGN, CB-ACCESS-TIMESTAMP, CB-ACCESS-PASSPHRASE (plain), Content-Type application/json (also on GET).',
    },
    {
        id: 'bitmex',
        credentials: creds('bitmex'),
        options: {},
        timestamp: (r) => r.headers['api-expires'],
        signature: (r) => ({ value: r.headers['api-signature'], location: 'header:api-signature' }),
        calls: [
            {
                name: 'GET order with query (JSON filter)',
                api: 'private', path: 'order', method: 'GET',
                params: { symbol: 'XBTUSD', filter: '{"open":true}', count: '10', reverse: 'true' },
            },
            {
                name: 'POST order with JSON body',
                api: 'private', path: 'order', method: 'POST',
                params: {
                    symbol: 'XBTUSD', side: 'Buy', orderQty: 100, price: 35000, ordType: 'Limit',
                    clOrdID: 'hmacctl-test-order-1',
                },
                notes: 'orderQty and price are JSON numbers (as BitMEX expects and as ccxt createOrder sends them).',
            },
            {
                name: 'DELETE order with JSON body',
                api: 'private', path: 'order', method: 'DELETE',
                params: { clOrdID: 'hmacctl-test-order-1' },
                notes: 'For DELETE (and PUT) ccxt puts the params in a JSON body, not the query string, and signs the body.',
            },
        ],
        notes: 'String to sign = METHOD + "/api/v1/" + path (+ "?" + urlencoded query for GET) + expires + JSON body (POST/PUT/DELETE with params). expires = seconds() + 5, i.e. floor(ms/1000) + options.recvWindow(5000) * 0.001 = unix seconds + 5; sent as header api-expires. HMAC-SHA256 hex in api-signature; headers Content-Type application/json, api-key, api-expires, api-signature.',
    },
];

// Reads a form parameter from the body if there is one, else from the query.
function formParam (r, key) {
    if (r.body !== undefined) {
        return new URLSearchParams(r.body).get(key);
    }
    return new URL(r.url).searchParams.get(key);
}

const HASH_NAMES = { 20: 'sha1', 28: 'sha224', 32: 'sha256', 48: 'sha384', 64: 'sha512' };

function hashName (alg) {
    return HASH_NAMES[alg.outputLen] || `unknown(${alg.outputLen})`;
}

function describeBytes (bytes) {
    const buf = Buffer.from(bytes);
    const text = buf.toString('utf8');
    if (Buffer.from(text, 'utf8').equals(buf) && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]/.test(text)) {
        return { text };
    }
    return { hex: buf.toString('hex') };
}

// Runs fn with the wall clock and Math.random forbidden, so that any clock or
// randomness ccxt reaches for that we did not pin fails loudly.
function withSealedEnvironment (fn) {
    const realNow = Date.now;
    const realRandom = Math.random;
    Date.now = () => { throw new Error('Date.now() called during sign(): unpinned clock'); };
    Math.random = () => { throw new Error('Math.random() called during sign(): unpinned randomness'); };
    try {
        return fn();
    } finally {
        Date.now = realNow;
        Math.random = realRandom;
    }
}

function makeExchange (spec) {
    const ex = new ccxt[spec.id]({
        apiKey: spec.credentials.api_key,
        secret: spec.credentials.api_secret,
        password: spec.credentials.passphrase,
    });
    // Frozen clock: every ccxt time helper the sign() paths use. nonce() is
    // left alone on purpose: each exchange derives it from these (ms for most,
    // seconds for coinbaseexchange), and that derivation is part of what the
    // vectors pin down.
    ex.milliseconds = () => CLOCK_MS;
    ex.seconds = () => Math.floor(CLOCK_MS / 1000);
    ex.microseconds = () => CLOCK_MS * 1000;
    ex.options.timeDifference = 0;
    for (const [k, v] of Object.entries(spec.options)) {
        ex.options[k] = v;
    }
    // Any random id injection must be visible as a failure, not a diff.
    for (const f of ['uuid', 'uuid16', 'uuid22', 'uuidv1']) {
        ex[f] = () => { throw new Error(`${spec.id}: ccxt called ${f}() (random id injection); pass the id explicitly`); };
    }
    return ex;
}

function vectorFor (spec, call) {
    const ex = makeExchange(spec);
    const primitives = [];
    const realHmac = ex.hmac;
    const realHash = ex.hash;
    ex.hmac = (request, secret, alg, digest = 'hex') => {
        const out = realHmac(request, secret, alg, digest);
        primitives.push({ op: 'hmac', algorithm: hashName(alg), digest, message: describeBytes(request), key_is_secret: Buffer.from(secret).equals(Buffer.from(ex.encode(ex.secret))) || undefined, output: typeof out === 'string' ? out : Buffer.from(out).toString('hex') });
        return out;
    };
    ex.hash = (request, alg, digest = 'hex') => {
        const out = realHash(request, alg, digest);
        primitives.push({ op: 'hash', algorithm: hashName(alg), digest, message: describeBytes(request), output: typeof out === 'string' ? out : Buffer.from(out).toString('hex') });
        return out;
    };
    const params = structuredClone(call.params);
    const r = withSealedEnvironment(() => ex.sign(call.path, call.api, call.method, params, undefined, undefined));
    // The exchange-side path is taken from the url ccxt built.
    const u = new URL(r.url);
    const headers = {};
    for (const [k, v] of Object.entries(r.headers || {})) {
        if (v !== undefined) {
            headers[k] = v;
        }
    }
    const sig = spec.signature(r);
    if (!sig.value) {
        throw new Error(`${spec.id} ${call.name}: no signature found`);
    }
    // What the caller supplied, split by where it travels on the wire.
    // (bitmex is the one exchange here whose DELETE carries a JSON body.)
    const inQuery = (call.method === 'GET') || (call.method === 'DELETE' && spec.id !== 'bitmex');
    const hasParams = Object.keys(call.params).length > 0;
    const hmacs = primitives.filter((p) => p.op === 'hmac');
    const signing = hmacs[hmacs.length - 1];
    return {
        exchange: spec.id,
        name: call.name,
        credentials: spec.credentials,
        input: {
            method: call.method,
            path: u.pathname,
            params: inQuery ? call.params : {},
            body: (!inQuery && hasParams) ? call.params : null,
        },
        ccxt_call: { api: call.api, path: call.path, method: call.method, params: call.params },
        ccxt_options: spec.options,
        timestamp: spec.timestamp(r),
        url: r.url,
        body: r.body === undefined ? null : r.body,
        headers,
        ccxt_broker_headers: (spec.brokerHeaders || []).filter((h) => h in headers),
        signature: sig.value,
        signature_location: sig.location,
        string_to_sign: signing.message.text !== undefined ? signing.message.text : null,
        string_to_sign_hex: signing.message.hex !== undefined ? signing.message.hex : undefined,
        crypto_calls: primitives.map(({ key_is_secret, ...p }) => (p.op === 'hmac' ? { ...p, key: key_is_secret ? 'secret' : 'other' } : p)),
        notes: [spec.notes, call.notes].filter(Boolean).join(' '),
    };
}

const vectors = [];
for (const spec of EXCHANGES) {
    for (const call of spec.calls) {
        vectors.push(vectorFor(spec, call));
    }
}

const out = {
    generator: 'tools/ccxtvectors/gen.mjs',
    ccxt_version: installedVersion,
    ccxt_reported_version: ccxt.version,
    clock_ms: CLOCK_MS,
    clock_iso: new Date(CLOCK_MS).toISOString(),
    description: 'Signing vectors produced by calling ccxt sign() directly with fake credentials and a frozen clock. input.params are the caller params that travel in the query string, input.body the caller params that travel in the body (before ccxt adds timestamp/nonce/recvWindow); url/body/headers are exactly what ccxt would send. string_to_sign is the message of the final HMAC (for kraken it is binary: see string_to_sign_hex). crypto_calls lists every hash/HMAC ccxt computed, in order; key "secret" means the HMAC key was the UTF-8 api_secret, "other" means something else (e.g. the base64-decoded secret for kraken/coinbaseexchange). ccxt_broker_headers names headers in "headers" that are ccxt\'s own broker attribution, not exchange authentication and not signed; a reimplementation need not send them. ccxt_options are the ccxt options overridden for the vector besides the frozen clock (options.timeDifference = 0).',
    vectors,
};
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
