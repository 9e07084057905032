// bench/http/node_server.js - the Node.js yardstick for bench/http/run.sh.
//
//   node node_server.js PORT BODY_FILE [WORKERS]
//
// A minimal `http` server on 127.0.0.1:PORT (the same libuv + llhttp stack as
// ipsec-diag serve) answering every GET or POST with the bytes of BODY_FILE
// as application/json (run.sh writes ipsec-diag's own `version` answer
// there). A request body is read to the end and dropped: nothing is parsed,
// nothing is diagnosed.
//
// WORKERS (default: one per CPU) > 1 forks that many workers with the
// `cluster` module (Node's default scheduling on Linux: the primary accepts
// and hands each new connection to a worker in turn; a keep-alive
// connection then stays with its worker). WORKERS = 1 is one plain process.
// No npm modules.
'use strict';
const cluster = require('cluster');
const fs = require('fs');
const http = require('http');
const os = require('os');

const port = parseInt(process.argv[2], 10);
const bodyFile = process.argv[3];
const cpus = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
const workers = process.argv[4] ? parseInt(process.argv[4], 10) : cpus;
if (!(port > 0) || !bodyFile || !(workers >= 1)) {
    console.error('usage: node node_server.js PORT BODY_FILE [WORKERS]');
    process.exit(2);
}

function serve() {
    const body = fs.readFileSync(bodyFile);
    const headers = { 'Content-Type': 'application/json', 'Content-Length': body.length };
    const server = http.createServer((req, res) => {
        if (req.method !== 'GET' && req.method !== 'POST') {
            res.writeHead(405, { 'Content-Length': 0 });
            res.end();
            return;
        }
        req.on('data', () => {});
        req.on('end', () => {
            res.writeHead(200, headers);
            res.end(body);
        });
    });
    server.keepAliveTimeout = 60000;   // like nginx and ipsec-diag serve here
    server.headersTimeout = 65000;
    server.requestTimeout = 0;
    server.listen({ host: '127.0.0.1', port, backlog: 4096 });
    return server;
}

if (workers > 1 && cluster.isPrimary) {
    let stopping = false;
    let alive = workers;
    for (let i = 0; i < workers; i++)
        cluster.fork();
    cluster.on('exit', (w, code, signal) => {
        alive--;
        if (!stopping) {
            console.error(`node_server: worker ${w.process.pid} died (${signal || code})`);
            process.exit(1);
        }
        if (alive === 0)
            process.exit(0);
    });
    const stop = () => {
        stopping = true;
        for (const id in cluster.workers)
            cluster.workers[id].process.kill('SIGTERM');
        setTimeout(() => process.exit(0), 2000).unref();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
} else {
    const server = serve();
    const stop = () => {
        server.close(() => process.exit(0));
        server.closeAllConnections();
        setTimeout(() => process.exit(0), 1000).unref();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
}
