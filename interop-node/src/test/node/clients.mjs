// Calls rpc.interopnode.EchoService with one client configuration and prints, for each operation
// asked for, one line of JSON saying what the client saw. NodeClientsTest runs it and asserts on
// those lines; the script itself judges nothing, so that a failing test shows what really arrived.
//
//   node src/test/node/clients.mjs --port=PORT --library=connect-es|grpc-web \
//       --protocol=connect|grpc|grpc-web --encoding=proto|json|text --http=1.1|2 [--get] \
//       --id=PREFIX --ops=unary,stream,streamError,error,deadline,gzip
//
// connect-es: @connectrpc/connect-node's transports (Connect, gRPC, gRPC-Web; binary or JSON;
// HTTP/1.1 or h2c). grpc-web: the grpc-web npm runtime (GrpcWebClientBase) over XMLHttpRequest
// (xhr2), HTTP/1.1 only, encoding proto (application/grpc-web+proto) or text
// (application/grpc-web-text); it cannot compress, so it has no gzip operation.
//
// Every line: {"op": ..., "ok": true, ...what the call returned} or {"op": ..., "ok": false,
// "code": N, "message": ..., ...what the error carried}; a failure of the script itself is
// {"op": ..., "ok": false, "crash": "stack"}.

import http from "node:http";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { anyIs, anyUnpack } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import {
  compressionGzip,
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
  Http2SessionManager,
} from "@connectrpc/connect-node";
import grpcWeb from "grpc-web";
import XMLHttpRequest from "xhr2";
import { StatusSchema } from "./gen/google/rpc/status_pb.js";
import {
  CountRequestSchema,
  CountResponseSchema,
  EchoRequestSchema,
  EchoResponseSchema,
  EchoService,
  FailRequestSchema,
  FailureDetailSchema,
  SleepRequestSchema,
} from "./gen/rpc/interopnode/echo_pb.js";

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const eq = a.indexOf("=");
    return eq < 0 ? [a.replace(/^--/, ""), "true"] : [a.slice(2, eq), a.slice(eq + 1)];
  }),
);
const port = Number(args.port);
const baseUrl = `http://127.0.0.1:${port}`;
const idPrefix = args.id ?? "node";
const ops = (args.ops ?? "unary,stream,streamError,error,deadline,gzip").split(",");

// What every operation sends; NodeClientsTest expects the same values.
const TEXT = "hello ünïcode ✓";
const NUMBER = 9007199254740992n; // 2^53: the answer, 2^53 + 1, is no double
const GZIP_TEXT = "compress me, ".repeat(400);
const DEADLINE_MS = 500;
const SLEEP_MS = 10_000;
const OP_TIMEOUT_MS = 20_000;

const b64 = (bytes) => Buffer.from(bytes).toString("base64");
const headersOf = (h) => (h ? Object.fromEntries([...h.entries()]) : {});

// Every HTTP request the clients send, as it goes out (method, path, headers): reported with
// each operation, since interceptors see requests before compression and GET are applied.
let wire = [];
class RecordingAgent extends http.Agent {
  addRequest(req, options) {
    wire.push({ method: req.method, path: req.path, headers: req.getHeaders() });
    return super.addRequest(req, options);
  }
}
class RecordingHttp2Manager extends Http2SessionManager {
  request(method, path, headers, options) {
    wire.push({ method, path, headers: { ...headers } });
    return super.request(method, path, headers, options);
  }
}
const agent = new RecordingAgent({ keepAlive: true });

// ---- connect-es ----------------------------------------------------------------------------

function connectTransport(extra = {}) {
  const options = {
    baseUrl,
    useBinaryFormat: args.encoding !== "json",
    // gRPC needs HTTP/2
    ...(args.http === "2" || args.protocol === "grpc"
      ? { httpVersion: "2", sessionManager: new RecordingHttp2Manager(baseUrl) }
      : { httpVersion: "1.1", nodeOptions: { agent } }),
    ...extra,
  };
  switch (args.protocol) {
    case "connect":
      return createConnectTransport({ ...options, useHttpGet: args.get === "true" });
    case "grpc":
      return createGrpcTransport(options);
    case "grpc-web":
      return createGrpcWebTransport(options);
    default:
      throw new Error(`unknown protocol ${args.protocol}`);
  }
}

/** Records the response headers a call saw. */
function recorder() {
  const seen = {};
  const interceptor = (next) => async (req) => {
    const res = await next(req);
    seen.responseHeaders = headersOf(res.header);
    return res;
  };
  return { seen, interceptor };
}

function connectError(e) {
  if (!(e instanceof ConnectError)) throw e;
  const details = e.details.map((d) => d.desc?.typeName ?? d.type);
  return {
    ok: false,
    code: e.code,
    codeName: Code[e.code],
    message: e.rawMessage,
    details,
    failureDetails: e.findDetails(FailureDetailSchema).map((d) => ({ reason: d.reason, limit: String(d.limit) })),
    metadata: headersOf(e.metadata),
  };
}

const connectOps = {
  async unary() {
    const r = recorder();
    const client = createClient(EchoService, connectTransport({ interceptors: [r.interceptor] }));
    const res = await client.echo({ id: `${idPrefix}/unary`, text: TEXT, number: NUMBER });
    return { ok: true, text: res.text, number: String(res.number), raw: b64(res.raw), ...r.seen };
  },
  async stream() {
    const r = recorder();
    const client = createClient(EchoService, connectTransport({ interceptors: [r.interceptor] }));
    const messages = [];
    for await (const m of client.count({ id: `${idPrefix}/stream`, count: 5, text: TEXT })) {
      messages.push({ index: m.index, text: m.text });
    }
    return { ok: true, messages, ...r.seen };
  },
  async streamError() {
    const r = recorder();
    const client = createClient(EchoService, connectTransport({ interceptors: [r.interceptor] }));
    const messages = [];
    try {
      for await (const m of client.count({ id: `${idPrefix}/streamError`, count: 2, text: TEXT, fail: true })) {
        messages.push({ index: m.index, text: m.text });
      }
      return { ok: true, messages, ...r.seen };
    } catch (e) {
      return { ...connectError(e), messages, ...r.seen };
    }
  },
  async error() {
    const r = recorder();
    const client = createClient(EchoService, connectTransport({ interceptors: [r.interceptor] }));
    try {
      const res = await client.fail({ id: `${idPrefix}/error`, reason: TEXT });
      return { ok: true, unexpected: res.text, ...r.seen };
    } catch (e) {
      return { ...connectError(e), ...r.seen };
    }
  },
  async deadline() {
    const r = recorder();
    const client = createClient(EchoService, connectTransport({ interceptors: [r.interceptor] }));
    const started = Date.now();
    try {
      const res = await client.sleep({ id: `${idPrefix}/deadline`, sleepMs: SLEEP_MS }, { timeoutMs: DEADLINE_MS });
      return { ok: true, unexpected: res.text, elapsedMs: Date.now() - started, ...r.seen };
    } catch (e) {
      return { ...connectError(e), elapsedMs: Date.now() - started, ...r.seen };
    }
  },
  async gzip() {
    const r = recorder();
    const client = createClient(
      EchoService,
      connectTransport({
        interceptors: [r.interceptor],
        sendCompression: compressionGzip,
        acceptCompression: [compressionGzip],
        compressMinBytes: 0,
      }),
    );
    const res = await client.echo({ id: `${idPrefix}/gzip`, text: GZIP_TEXT, number: 1n, compressResponse: true });
    return { ok: true, textMatches: res.text === `echo: ${GZIP_TEXT}`, textLength: res.text.length, ...r.seen };
  },
};

// ---- grpc-web (npm) ------------------------------------------------------------------------

function grpcWebOps() {
  XMLHttpRequest.nodejsSet({ httpAgent: agent });
  globalThis.XMLHttpRequest = XMLHttpRequest;
  const { GrpcWebClientBase, MethodDescriptor, MethodType } = grpcWeb;
  const client = new GrpcWebClientBase({ format: args.encoding === "text" ? "text" : "binary" });
  // No protoc plugin: each method described by hand, its messages (de)serialized by protobuf-es.
  const method = (name, type, req, res) => ({
    request: req,
    descriptor: new MethodDescriptor(
      `/rpc.interopnode.EchoService/${name}`,
      type,
      Object,
      Object,
      (m) => toBinary(req, m),
      (bytes) => fromBinary(res, bytes),
    ),
  });
  const ECHO = method("Echo", MethodType.UNARY, EchoRequestSchema, EchoResponseSchema);
  const COUNT = method("Count", MethodType.SERVER_STREAMING, CountRequestSchema, CountResponseSchema);
  const FAIL = method("Fail", MethodType.UNARY, FailRequestSchema, EchoResponseSchema);
  const SLEEP = method("Sleep", MethodType.UNARY, SleepRequestSchema, EchoResponseSchema);
  const url = (m) => baseUrl + m.descriptor.getName();

  function rpcError(e) {
    if (!(e instanceof grpcWeb.RpcError)) throw e;
    const out = { ok: false, code: e.code, codeName: Code[e.code], message: e.message, metadata: e.metadata ?? {} };
    const bin = out.metadata["grpc-status-details-bin"];
    if (bin) {
      const status = fromBinary(StatusSchema, Buffer.from(bin, "base64"));
      out.statusCode = status.code;
      out.statusMessage = status.message;
      out.details = status.details.map((a) => a.typeUrl.slice(a.typeUrl.lastIndexOf("/") + 1));
      out.failureDetails = status.details
        .filter((a) => anyIs(a, FailureDetailSchema))
        .map((a) => anyUnpack(a, FailureDetailSchema))
        .map((d) => ({ reason: d.reason, limit: String(d.limit) }));
    } else {
      out.details = [];
      out.failureDetails = [];
    }
    return out;
  }

  /** A unary call with the response headers grpc-web reports (the "metadata" event). */
  function unary(m, request, metadata = {}) {
    return new Promise((resolve) => {
      let headers = {};
      const call = client.rpcCall(url(m), create(m.request, request), metadata, m.descriptor,
        (err, res) => resolve({ err, res, headers }));
      call.on("metadata", (h) => (headers = h));
    });
  }

  /** A server-streaming Count call: the messages, then the end or the error. */
  function count(request) {
    return new Promise((resolve) => {
      const messages = [];
      let headers = {};
      let error = null;
      const call = client.serverStreaming(url(COUNT), create(CountRequestSchema, request), {}, COUNT.descriptor);
      call.on("metadata", (h) => (headers = h));
      call.on("data", (m) => messages.push({ index: m.index, text: m.text }));
      call.on("error", (e) => {
        error = e;
        resolve({ ...rpcError(e), messages, responseHeaders: headers });
      });
      call.on("end", () => error || resolve({ ok: true, messages, responseHeaders: headers }));
    });
  }

  return {
    async unary() {
      const { err, res, headers } = await unary(ECHO, { id: `${idPrefix}/unary`, text: TEXT, number: NUMBER });
      if (err) return rpcError(err);
      return { ok: true, text: res.text, number: String(res.number), raw: b64(res.raw), responseHeaders: headers };
    },
    stream() {
      return count({ id: `${idPrefix}/stream`, count: 5, text: TEXT });
    },
    streamError() {
      return count({ id: `${idPrefix}/streamError`, count: 2, text: TEXT, fail: true });
    },
    async error() {
      const { err, res, headers } = await unary(FAIL, { id: `${idPrefix}/error`, reason: TEXT });
      if (!err) return { ok: true, unexpected: res.text, responseHeaders: headers };
      return rpcError(err);
    },
    async deadline() {
      const started = Date.now();
      const { err, res } = await unary(SLEEP, { id: `${idPrefix}/deadline`, sleepMs: SLEEP_MS },
        { deadline: String(Date.now() + DEADLINE_MS) });
      if (!err) return { ok: true, unexpected: res.text, elapsedMs: Date.now() - started };
      return { ...rpcError(err), elapsedMs: Date.now() - started };
    },
  };
}

// ---- run -----------------------------------------------------------------------------------

function withTimeout(promise, ms) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, crash: `no answer within ${ms} ms` }), ms);
    }),
  ]);
}

const table = args.library === "grpc-web" ? grpcWebOps() : connectOps;
for (const op of ops) {
  let result;
  wire = [];
  const fn = table[op];
  if (!fn) {
    result = { ok: false, crash: `operation ${op} is not defined for library ${args.library}` };
  } else {
    try {
      result = await withTimeout(Promise.resolve().then(fn), OP_TIMEOUT_MS);
    } catch (e) {
      // a call that was expected to succeed: its error as the client reported it
      result = e instanceof ConnectError
        ? { ...connectError(e), stack: String(e.stack) }
        : { ok: false, crash: String(e?.stack ?? e) };
    }
  }
  process.stdout.write(JSON.stringify({ op, ...result, requests: wire }) + "\n");
}
// Open HTTP/2 connections and keep-alive sockets would keep the process alive.
process.exit(0);
