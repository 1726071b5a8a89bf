#!/usr/bin/env node
// Drives real exchange client libraries (ccxt, @binance/connector, bybit-api,
// okx-api) against a local `hmacctl verify VENDOR --listen` server, for
// interop_test.go. Every API URL is rewritten to the loopback base URL given
// in the plan; nothing leaves this machine.
//
//   node clients.js PLAN.json
//
// PLAN.json: {"vendor": "binance", "baseURL": "http://127.0.0.1:PORT",
//             "apiKey": "...", "apiSecret": "...", "passphrase": "...",
//             "callTimeoutMs": 10000, "stepped": false}
//
// The calls run strictly one after another. For each, one JSON line goes to
// stdout before the call is made (with "stepped", the call then waits for a
// line on stdin):
//   {"event":"call","seq":N,"name":...,"client":...,"method":...,"path":...}
// and one after it settles:
//   {"event":"done","seq":N,"name":...,"outcome":"resolved"|"threw","detail":...}
// The listener answers 200 or 401 in its own JSON, not the exchange's, so a
// client may well throw on either: that is ignored here; the verdict is
// hmacctl's. Anything else a library prints is not JSON-lines and is skipped
// by the test.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const planFile = process.argv[2];
if (!planFile) {
    process.stderr.write('usage: node clients.js PLAN.json\n');
    process.exit(2);
}
const plan = JSON.parse(fs.readFileSync(planFile, 'utf8'));
const BASE = plan.baseURL.replace(/\/+$/, '');
const CALL_TIMEOUT_MS = plan.callTimeoutMs || 10000;

// Installed versions, from each package's own package.json (ccxt's "exports"
// hides it, and ccxt.version lags the release: 4.5.82 reports 4.5.81).
function installedVersion (pkg) {
    const dir = path.dirname(require.resolve(pkg));
    let d = dir;
    for (;;) {
        const f = path.join(d, 'package.json');
        if (fs.existsSync(f)) {
            const j = JSON.parse(fs.readFileSync(f, 'utf8'));
            if (j.name === pkg) {
                return j.version;
            }
        }
        const up = path.dirname(d);
        if (up === d) {
            return 'unknown';
        }
        d = up;
    }
}

function emit (obj) {
    // Synchronous on a pipe (Linux): the line is out before the call starts.
    fs.writeSync(1, JSON.stringify(obj) + '\n');
}

function describe (e) {
    if (e === undefined || e === null) {
        return String(e);
    }
    if (typeof e === 'string') {
        return e.slice(0, 300);
    }
    const parts = [];
    if (e.constructor && e.constructor.name && e.constructor.name !== 'Object') {
        parts.push(e.constructor.name);
    }
    if (e.code !== undefined) {
        parts.push('code ' + e.code);
    }
    if (e.message) {
        parts.push(String(e.message));
    } else if (e.body !== undefined) {
        parts.push(typeof e.body === 'string' ? e.body : JSON.stringify(e.body));
    } else {
        try {
            parts.push(JSON.stringify(e));
        } catch (_) {
            parts.push(String(e));
        }
    }
    return parts.join(': ').replace(/\s+/g, ' ').slice(0, 300);
}

// With "stepped": true in the plan, each call waits for a line on stdin after
// announcing itself: the test then knows which call every request it
// receives belongs to.
let nextStep;
if (plan.stepped) {
    const rl = require('node:readline').createInterface({ input: process.stdin });
    const lines = rl[Symbol.asyncIterator]();
    nextStep = async () => {
        const r = await lines.next();
        if (r.done) {
            throw new Error('stdin closed: the test is gone');
        }
    };
}

let seq = 0;
async function call (client, name, method, urlPath, fn) {
    seq += 1;
    emit({ event: 'call', seq, name, client, method, path: urlPath });
    if (nextStep) {
        await nextStep();
    }
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`call timed out after ${CALL_TIMEOUT_MS} ms`)), CALL_TIMEOUT_MS);
    });
    try {
        const r = await Promise.race([Promise.resolve().then(fn), timeout]);
        emit({ event: 'done', seq, name, outcome: 'resolved', detail: describe(r) });
    } catch (e) {
        emit({ event: 'done', seq, name, outcome: 'threw', detail: describe(e) });
    } finally {
        clearTimeout(timer);
    }
}

// Every URL in ccxt's urls.api tree, its scheme and host (templated or not)
// replaced by the listener's; the path after the host is kept (Gate's
// /api/v4).
function rewriteURLs (node) {
    if (typeof node === 'string') {
        return node.replace(/^https?:\/\/[^/]+/, BASE);
    }
    if (node && typeof node === 'object') {
        const out = Array.isArray(node) ? [] : {};
        for (const [k, v] of Object.entries(node)) {
            out[k] = rewriteURLs(v);
        }
        return out;
    }
    return node;
}

let ccxtModule;
function ccxtExchange (id, extraOptions = {}) {
    if (!ccxtModule) {
        ccxtModule = require('ccxt');
    }
    const ex = new ccxtModule[id]({
        apiKey: plan.apiKey,
        secret: plan.apiSecret,
        password: plan.passphrase,
        timeout: CALL_TIMEOUT_MS,
        // One request per call, sent at once: no throttling between calls.
        enableRateLimit: false,
        options: Object.assign({
            // No fetch of the server's time (it would go to the listener too).
            adjustForTimeDifference: false,
            timeDifference: 0,
        }, extraOptions),
    });
    ex.urls.api = rewriteURLs(ex.urls.api);
    // Markets are never needed by the implicit API methods used below; a
    // high-level method that wants them gets none from the network.
    ex.loadMarkets = async () => ex.markets || {};
    return ex;
}

const CCXT = () => 'ccxt ' + installedVersion('ccxt');

const plans = {
    binance: async () => {
        const c = CCXT();
        const ex = ccxtExchange('binance');
        await call(c, 'ccxt GET openOrders', 'GET', '/api/v3/openOrders',
            () => ex.privateGetOpenOrders({ symbol: 'BTCUSDT' }));
        await call(c, 'ccxt POST order (form body)', 'POST', '/api/v3/order',
            () => ex.privatePostOrder({
                symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC',
                quantity: '0.001', price: '35000.00',
            }));
        await call(c, 'ccxt DELETE order', 'DELETE', '/api/v3/order',
            () => ex.privateDeleteOrder({ symbol: 'BTCUSDT', orderId: '123456' }));

        const b = '@binance/connector ' + installedVersion('@binance/connector');
        const { Spot } = require('@binance/connector');
        const spot = new Spot(plan.apiKey, plan.apiSecret, {
            baseURL: BASE, timeout: CALL_TIMEOUT_MS, logger: { log () {}, error () {} },
        });
        await call(b, 'connector GET openOrders', 'GET', '/api/v3/openOrders',
            () => spot.openOrders({ symbol: 'BTCUSDT' }));
        await call(b, 'connector GET account', 'GET', '/api/v3/account',
            () => spot.account({ omitZeroBalances: true }));
        await call(b, 'connector POST newOrder (all in the query)', 'POST', '/api/v3/order',
            () => spot.newOrder('BTCUSDT', 'BUY', 'LIMIT', {
                price: '35000.00', quantity: '0.001', timeInForce: 'GTC',
            }));
        await call(b, 'connector DELETE cancelOrder', 'DELETE', '/api/v3/order',
            () => spot.cancelOrder('BTCUSDT', { orderId: 123456 }));
    },

    okx: async () => {
        const c = CCXT();
        const ex = ccxtExchange('okx');
        await call(c, 'ccxt GET orders-pending', 'GET', '/api/v5/trade/orders-pending',
            () => ex.privateGetTradeOrdersPending({ instType: 'SPOT', instId: 'BTC-USDT' }));
        await call(c, 'ccxt GET balance (comma in the query)', 'GET', '/api/v5/account/balance',
            () => ex.privateGetAccountBalance({ ccy: 'BTC,USDT' }));
        await call(c, 'ccxt POST order', 'POST', '/api/v5/trade/order',
            () => ex.privatePostTradeOrder({
                instId: 'BTC-USDT', tdMode: 'cash', side: 'buy', ordType: 'limit',
                px: '35000', sz: '0.001', clOrdId: 'hmacctlinterop1',
            }));
        await call(c, 'ccxt POST cancel-batch-orders (array body)', 'POST', '/api/v5/trade/cancel-batch-orders',
            () => ex.privatePostTradeCancelBatchOrders([
                { instId: 'BTC-USDT', ordId: '590908157585625111' },
                { instId: 'BTC-USDT', ordId: '590908544950571222' },
            ]));

        const o = 'okx-api ' + installedVersion('okx-api');
        const { RestClient } = require('okx-api');
        const client = new RestClient(
            { apiKey: plan.apiKey, apiSecret: plan.apiSecret, apiPass: plan.passphrase, baseUrl: BASE },
            { timeout: CALL_TIMEOUT_MS, proxy: false },
        );
        await call(o, 'okx-api GET getOrderList', 'GET', '/api/v5/trade/orders-pending',
            () => client.getOrderList({ instType: 'SPOT', instId: 'BTC-USDT' }));
        await call(o, 'okx-api POST submitOrder', 'POST', '/api/v5/trade/order',
            () => client.submitOrder({
                instId: 'BTC-USDT', tdMode: 'cash', side: 'buy', ordType: 'limit', px: '35000', sz: '0.001',
            }));
        await call(o, 'okx-api POST cancelOrder', 'POST', '/api/v5/trade/cancel-order',
            () => client.cancelOrder({ instId: 'BTC-USDT', ordId: '590908157585625111' }));
    },

    bybit: async () => {
        const c = CCXT();
        const ex = ccxtExchange('bybit');
        await call(c, 'ccxt GET order/realtime', 'GET', '/v5/order/realtime',
            () => ex.privateGetV5OrderRealtime({ category: 'spot', symbol: 'BTCUSDT' }));
        await call(c, 'ccxt GET wallet-balance (comma in the query)', 'GET', '/v5/account/wallet-balance',
            () => ex.privateGetV5AccountWalletBalance({ accountType: 'UNIFIED', coin: 'BTC,USDT' }));
        await call(c, 'ccxt POST order/create', 'POST', '/v5/order/create',
            () => ex.privatePostV5OrderCreate({
                category: 'spot', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit',
                qty: '0.001', price: '35000', orderLinkId: 'hmacctl-interop-1',
            }));
        await call(c, 'ccxt POST order/cancel', 'POST', '/v5/order/cancel',
            () => ex.privatePostV5OrderCancel({ category: 'spot', symbol: 'BTCUSDT', orderLinkId: 'hmacctl-interop-1' }));

        const y = 'bybit-api ' + installedVersion('bybit-api');
        const { RestClientV5 } = require('bybit-api');
        const client = new RestClientV5(
            { key: plan.apiKey, secret: plan.apiSecret, baseUrl: BASE, parse_exceptions: false },
            { timeout: CALL_TIMEOUT_MS, proxy: false },
        );
        await call(y, 'bybit-api GET getActiveOrders', 'GET', '/v5/order/realtime',
            () => client.getActiveOrders({ category: 'spot', symbol: 'BTCUSDT' }));
        await call(y, 'bybit-api GET getWalletBalance (comma in the query)', 'GET', '/v5/account/wallet-balance',
            () => client.getWalletBalance({ accountType: 'UNIFIED', coin: 'BTC,USDT' }));
        await call(y, 'bybit-api POST submitOrder', 'POST', '/v5/order/create',
            () => client.submitOrder({
                category: 'spot', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '35000',
            }));
        await call(y, 'bybit-api POST cancelOrder', 'POST', '/v5/order/cancel',
            () => client.cancelOrder({ category: 'spot', symbol: 'BTCUSDT', orderId: '1321003749386327552' }));
    },

    kucoin: async () => {
        const c = CCXT();
        const ex = ccxtExchange('kucoin');
        await call(c, 'ccxt GET orders', 'GET', '/api/v1/orders',
            () => ex.privateGetOrders({ status: 'active', symbol: 'BTC-USDT' }));
        await call(c, 'ccxt POST orders', 'POST', '/api/v1/orders',
            () => ex.privatePostOrders({
                clientOid: 'hmacctl-interop-1', side: 'buy', symbol: 'BTC-USDT', type: 'limit',
                price: '35000', size: '0.001',
            }));
        await call(c, 'ccxt DELETE orders/{orderId}', 'DELETE', '/api/v1/orders/5bd6e9286d99522a52e458de',
            () => ex.privateDeleteOrdersOrderId({ orderId: '5bd6e9286d99522a52e458de' }));
        await call(c, 'ccxt DELETE orders (query)', 'DELETE', '/api/v1/orders',
            () => ex.privateDeleteOrders({ symbol: 'BTC-USDT', tradeType: 'TRADE' }));
    },

    gate: async () => {
        const c = CCXT();
        const ex = ccxtExchange('gate');
        await call(c, 'ccxt GET spot/orders', 'GET', '/api/v4/spot/orders',
            () => ex.privateSpotGetOrders({ currency_pair: 'BTC_USDT', status: 'open' }));
        await call(c, 'ccxt POST spot/orders', 'POST', '/api/v4/spot/orders',
            () => ex.privateSpotPostOrders({
                text: 't-hmacctl1', currency_pair: 'BTC_USDT', type: 'limit', account: 'spot', side: 'buy',
                amount: '0.001', price: '35000', time_in_force: 'gtc',
            }));
        await call(c, 'ccxt DELETE spot/orders/{order_id}', 'DELETE', '/api/v4/spot/orders/12345',
            () => ex.privateSpotDeleteOrdersOrderId({ order_id: '12345', currency_pair: 'BTC_USDT' }));
        // params.query is ccxt's way to put URL parameters on a Gate POST.
        await call(c, 'ccxt POST spot/orders with params.query', 'POST', '/api/v4/spot/orders',
            () => ex.privateSpotPostOrders({
                text: 't-hmacctl2', currency_pair: 'BTC_USDT', type: 'limit', account: 'spot', side: 'buy',
                amount: '0.001', price: '35000', time_in_force: 'gtc',
                query: { account: 'spot' },
            }));
    },

    kraken: async () => {
        const c = CCXT();
        const ex = ccxtExchange('kraken');
        await call(c, 'ccxt POST Balance', 'POST', '/0/private/Balance',
            () => ex.privatePostBalance());
        await call(c, 'ccxt POST OpenOrders', 'POST', '/0/private/OpenOrders',
            () => ex.privatePostOpenOrders({ trades: true }));
        await call(c, 'ccxt POST AddOrder', 'POST', '/0/private/AddOrder',
            () => ex.privatePostAddOrder({
                pair: 'XBTUSD', type: 'buy', ordertype: 'limit', price: '35000', volume: '0.001',
            }));
        await call(c, 'ccxt POST CancelOrder', 'POST', '/0/private/CancelOrder',
            () => ex.privatePostCancelOrder({ txid: 'OQCLML-BW3P3-BUCMWZ' }));
        // ccxt sends these two as JSON bodies (nonce inside), as Kraken
        // documents for its batch endpoints.
        await call(c, 'ccxt cancelOrders (CancelOrderBatch, JSON body)', 'POST', '/0/private/CancelOrderBatch',
            () => ex.cancelOrders(['OQCLML-BW3P3-BUCMWZ', 'OB5VMB-B4U2U-DK2WRW']));
        await call(c, 'ccxt POST AddOrderBatch (JSON body)', 'POST', '/0/private/AddOrderBatch',
            () => ex.privatePostAddOrderBatch({
                pair: 'XBTUSD',
                orders: [
                    { ordertype: 'limit', type: 'buy', volume: '0.001', price: '35000' },
                    { ordertype: 'limit', type: 'sell', volume: '0.001', price: '45000' },
                ],
            }));
    },

    bitget: async () => {
        const c = CCXT();
        const ex = ccxtExchange('bitget');
        await call(c, 'ccxt GET unfilled-orders', 'GET', '/api/v2/spot/trade/unfilled-orders',
            () => ex.privateSpotGetV2SpotTradeUnfilledOrders({ symbol: 'BTCUSDT', limit: '10' }));
        await call(c, 'ccxt POST place-order', 'POST', '/api/v2/spot/trade/place-order',
            () => ex.privateSpotPostV2SpotTradePlaceOrder({
                symbol: 'BTCUSDT', side: 'buy', orderType: 'limit', force: 'gtc',
                price: '35000', size: '0.001', clientOid: 'hmacctl-interop-1',
            }));
        await call(c, 'ccxt POST cancel-order', 'POST', '/api/v2/spot/trade/cancel-order',
            () => ex.privateSpotPostV2SpotTradeCancelOrder({ symbol: 'BTCUSDT', orderId: '1234567890' }));
    },

    'coinbase-exchange': async () => {
        const c = CCXT();
        const ex = ccxtExchange('coinbaseexchange');
        await call(c, 'ccxt GET orders', 'GET', '/orders',
            () => ex.privateGetOrders({ product_id: 'BTC-USD', status: 'open' }));
        await call(c, 'ccxt POST orders', 'POST', '/orders',
            () => ex.privatePostOrders({
                product_id: 'BTC-USD', side: 'buy', type: 'limit', price: '35000.00', size: '0.001',
            }));
        await call(c, 'ccxt DELETE orders/{id}', 'DELETE', '/orders/d0c5340b-6d6c-49d9-b567-48c4bfca13d2',
            () => ex.privateDeleteOrdersId({ id: 'd0c5340b-6d6c-49d9-b567-48c4bfca13d2' }));
        // ccxt sends a DELETE's parameters as a JSON body (signed as such).
        await call(c, 'ccxt DELETE orders (JSON body)', 'DELETE', '/orders',
            () => ex.privateDeleteOrders({ product_id: 'BTC-USD' }));
    },

    bitmex: async () => {
        const c = CCXT();
        const ex = ccxtExchange('bitmex');
        await call(c, 'ccxt GET order (JSON filter in the query)', 'GET', '/api/v1/order',
            () => ex.privateGetOrder({ symbol: 'XBTUSD', filter: '{"open":true}', count: 10 }));
        await call(c, 'ccxt POST order', 'POST', '/api/v1/order',
            () => ex.privatePostOrder({
                symbol: 'XBTUSD', side: 'Buy', orderQty: 100, price: 35000, ordType: 'Limit',
                clOrdID: 'hmacctl-interop-1',
            }));
        await call(c, 'ccxt DELETE order (JSON body)', 'DELETE', '/api/v1/order',
            () => ex.privateDeleteOrder({ orderID: '00000000-0000-0000-0000-000000000001' }));
    },
};

async function main () {
    const run = plans[plan.vendor];
    if (!run) {
        process.stderr.write(`clients.js: no calls for vendor ${JSON.stringify(plan.vendor)}\n`);
        process.exit(2);
    }
    await run();
    emit({ event: 'end', calls: seq });
}

main().then(
    // Some libraries leave timers or sockets behind: do not wait for them.
    () => process.exit(0),
    (e) => {
        process.stderr.write('clients.js: ' + (e && e.stack ? e.stack : String(e)) + '\n');
        process.exit(1);
    },
);
