// The page's script: a Greeter form and a route-guide feature list, each calling the rpc example
// server straight from the browser, with no proxy in between. SayHello goes over the Connect
// protocol (JSON, connect-web's default) and ListFeatures over gRPC-Web (binary), so one page shows
// both protocols the server speaks to browsers. SayHello has no side effects (its
// idempotency_level in helloworld.proto), so it is sent as a GET, which a browser or a CDN may
// cache. The server runs on another origin than the page: every call is a cross-origin request
// that the server's CORS answers allow.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-web";
import { Greeter } from "./gen/helloworld/helloworld_pb.js";
import { type Point, PointSchema, RectangleSchema, RouteGuide } from "./gen/routeguide/route_guide_pb.js";

/** Deadline of each call; the transports send it as Connect-Timeout-Ms and grpc-timeout. */
const TIMEOUT_MS = 10_000;

const server = serverAddress();
byId("server").textContent = server;

// JSON is connect-web's default for the Connect protocol, binary protobuf for gRPC-Web. useHttpGet
// sends methods without side effects as GET requests, the message in the query string.
const greeter = createClient(Greeter, createConnectTransport({ baseUrl: server, useHttpGet: true }));
const guide = createClient(RouteGuide, createGrpcWebTransport({ baseUrl: server }));

byId<HTMLFormElement>("greet-form").addEventListener("submit", (event) => {
  event.preventDefault();
  void greet(byId<HTMLInputElement>("name").value);
});

byId<HTMLFormElement>("features-form").addEventListener("submit", (event) => {
  event.preventDefault();
  void listFeatures(
    point(byId<HTMLInputElement>("lo-lat").value, byId<HTMLInputElement>("lo-lon").value),
    point(byId<HTMLInputElement>("hi-lat").value, byId<HTMLInputElement>("hi-lon").value),
  );
});

/** Unary, over the Connect protocol: one GET with the JSON message in its query, one JSON answer. */
async function greet(name: string): Promise<void> {
  const greeting = byId("greeting");
  greeting.className = "pending";
  greeting.textContent = "calling…";
  try {
    const reply = await greeter.sayHello({ name }, { timeoutMs: TIMEOUT_MS });
    greeting.className = "ok";
    greeting.textContent = reply.message;
  } catch (e) {
    showError(greeting, e);
  }
}

/** Server-streaming, over gRPC-Web: each feature is added to the list as its message arrives. */
async function listFeatures(lo: Point, hi: Point): Promise<void> {
  const list = byId("features");
  const status = byId("features-status");
  list.replaceChildren();
  status.className = "pending";
  status.textContent = "streaming…";
  try {
    let count = 0;
    const area = create(RectangleSchema, { lo, hi });
    for await (const feature of guide.listFeatures(area, { timeoutMs: TIMEOUT_MS })) {
      const item = document.createElement("li");
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = feature.name;
      const where = document.createElement("span");
      where.className = "where";
      where.textContent = feature.location ? text(feature.location) : "";
      item.append(name, where);
      list.append(item);
      count++;
    }
    status.className = "ok";
    status.textContent = `${count} ${count === 1 ? "feature" : "features"} streamed`;
  } catch (e) {
    showError(status, e);
  }
}

/** `?server=URL` when given, else the address the example server wrote into the page. */
function serverAddress(): string {
  const query = new URLSearchParams(location.search).get("server");
  const meta = document.querySelector<HTMLMetaElement>('meta[name="rpc-server"]')?.content;
  const address = query || meta;
  if (!address || address.startsWith("{{")) {
    throw new Error("no rpc server address: open the page with ?server=http://HOST:PORT");
  }
  return address.replace(/\/+$/, "");
}

function showError(target: HTMLElement, e: unknown): void {
  const error = ConnectError.from(e);
  target.className = "error";
  target.textContent = `${Code[error.code]}: ${error.rawMessage}`;
}

/** A point from degrees, in the E7 representation the service uses. */
function point(latitude: string, longitude: string): Point {
  return create(PointSchema, { latitude: e7(latitude), longitude: e7(longitude) });
}

function e7(degrees: string): number {
  return Math.round(Number(degrees) * 1e7);
}

/** "40.7838351, -74.6143763", as the Java examples print a point. */
function text(p: Point): string {
  return `${(p.latitude / 1e7).toFixed(7)}, ${(p.longitude / 1e7).toFixed(7)}`;
}

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) {
    throw new Error(`the page has no element #${id}`);
  }
  return element as T;
}
