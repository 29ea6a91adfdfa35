// Opens the web example's page in headless Chromium and uses it as a person would: says hello,
// lists features, and checks what the page shows, what went over the wire (a Connect GET with JSON,
// gRPC-Web with binary protobuf, both cross-origin and allowed by CORS) and that the console stayed
// free of errors. Saves a screenshot of the page at the end. test.sh starts the server first.
//
//   node test.mjs PAGE_URL RPC_URL SCREENSHOT.png
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const [pageUrl, rpcUrl, screenshot] = process.argv.slice(2);
if (!pageUrl || !rpcUrl || !screenshot) {
  console.error("usage: node test.mjs PAGE_URL RPC_URL SCREENSHOT.png");
  process.exit(2);
}
const pageOrigin = new URL(pageUrl).origin;
const WAIT_MS = 15_000; // for each thing awaited on the page
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";

// The example's map (rpc.examples.routeguide.Features), in the order the server streams it.
const ALL_FEATURES = [
  ["Old stone bridge", "40.7838351, -74.6143763"],
  ["Harbour lighthouse", "40.8122808, -74.3999179"],
  ["Clock tower", "40.6337092, -74.0122226"],
  ["Orchard gate", "40.4318328, -74.0835638"],
  ["Windmill on the ridge", "40.9224445, -74.8286738"],
  ["Ferry landing", "40.6411633, -74.1722051"],
  ["Quarry lookout", "40.5957808, -74.3255336"],
  ["Pine forest trailhead", "40.7383704, -74.5826160"],
  ["Market square", "40.6109563, -74.2186778"],
  ["Railway museum", "40.4701380, -74.5725120"],
  ["Beacon hill", "40.8472260, -74.4706120"],
  ["Salt marsh boardwalk", "40.3851400, -74.1004800"],
];
// The route guide example's own rectangle: 40.0..40.7 N, 75.0..74.0 W.
const IN_RECTANGLE = ALL_FEATURES.filter(([name]) =>
  ["Clock tower", "Orchard gate", "Ferry landing", "Quarry lookout", "Market square", "Railway museum",
    "Salt marsh boardwalk"].includes(name));

// The whole run is bounded, whatever hangs.
const deadline = setTimeout(() => {
  console.error("FAIL: the browser test did not finish within 120 s");
  process.exit(1);
}, 120_000);
deadline.unref();

const consoleErrors = [];
const failedRequests = [];
const rpcExchanges = []; // { method, path, request headers, status, response headers }

const profile = await mkdtemp(path.join(tmpdir(), "rpc-web-chromium-"));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: chromiumPath,
  headless: true,
  viewport: { width: 900, height: 600 },
  timeout: 30_000,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

let passed = 0;
let failed = 0;
async function check(name, body) {
  try {
    await body();
    passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL - ${name}\n       ${String(e?.message ?? e).replaceAll("\n", "\n       ")}`);
  }
}

function expect(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

function expectEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  expect(a === e, `${what}: expected ${e}, got ${a}`);
}

try {
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(WAIT_MS);
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => consoleErrors.push(`uncaught: ${e.message}`));
  page.on("requestfailed", (r) => failedRequests.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on("response", async (response) => {
    const request = response.request();
    if (request.url().startsWith(rpcUrl)) {
      rpcExchanges.push({
        method: request.method(),
        path: new URL(request.url()).pathname,
        query: Object.fromEntries(new URL(request.url()).searchParams),
        request: await request.allHeaders(),
        status: response.status(),
        response: await response.allHeaders(),
      });
    }
  });

  /** Submits a form and waits until the element's class says the call ended; returns its text. */
  async function submitAndWait(button, resultId) {
    await page.locator(`#${resultId}`).evaluate((e) => { e.className = ""; e.textContent = ""; });
    await page.click(`#${button}`);
    await page.waitForFunction(
      (id) => ["ok", "error"].includes(document.getElementById(id).className), resultId, { timeout: WAIT_MS });
    return page.locator(`#${resultId}`).evaluate((e) => ({ className: e.className, text: e.textContent }));
  }

  async function listedFeatures() {
    return page.locator("#features li").evaluateAll((items) =>
      items.map((li) => [li.querySelector(".name").textContent, li.querySelector(".where").textContent]));
  }

  await check("the page loads from its own origin and names the rpc server it calls", async () => {
    const response = await page.goto(pageUrl, { timeout: WAIT_MS });
    expectEqual(response?.status(), 200, "page status");
    expect(pageOrigin !== new URL(rpcUrl).origin, `page and rpc server share the origin ${pageOrigin}`);
    expectEqual(await page.textContent("#server"), rpcUrl, "#server");
  });

  await check("SayHello, unary over the Connect protocol (JSON, GET), shows the greeting", async () => {
    await page.fill("#name", "Chromium");
    const result = await submitAndWait("greet", "greeting");
    expectEqual(result, { className: "ok", text: "Hello, Chromium!" }, "#greeting");
  });

  await check("ListFeatures, server-streaming over gRPC-Web, streams the 7 features in the route guide's rectangle",
    async () => {
      await page.fill("#lo-lat", "40");
      await page.fill("#lo-lon", "-75");
      await page.fill("#hi-lat", "40.7");
      await page.fill("#hi-lon", "-74");
      const result = await submitAndWait("list", "features-status");
      expectEqual(result, { className: "ok", text: "7 features streamed" }, "#features-status");
      expectEqual(await listedFeatures(), IN_RECTANGLE, "#features");
    });

  await check("ListFeatures streams all 12 features of the map, in order", async () => {
    await page.fill("#hi-lat", "41");
    const result = await submitAndWait("list", "features-status");
    expectEqual(result, { className: "ok", text: "12 features streamed" }, "#features-status");
    expectEqual(await listedFeatures(), ALL_FEATURES, "#features");
  });

  await check("the calls were cross-origin, in each protocol's content type, and allowed by CORS", async () => {
    const hello = rpcExchanges.filter((x) => x.path === "/helloworld.Greeter/SayHello");
    const list = rpcExchanges.filter((x) => x.path === "/routeguide.RouteGuide/ListFeatures");
    const seen = JSON.stringify(rpcExchanges.map((x) => `${x.method} ${x.path} ${x.status}`));
    expectEqual(hello.length, 1, `SayHello exchanges (seen: ${seen})`);
    expectEqual(list.length, 2, `ListFeatures exchanges (seen: ${seen})`);
    for (const x of [...hello, ...list]) {
      const where = `${x.path}: ${JSON.stringify(x)}`;
      expectEqual(x.status, 200, `status of ${where}`);
      expectEqual(x.request.origin, pageOrigin, `Origin sent with ${where}`);
      expectEqual(x.response["access-control-allow-origin"], pageOrigin, `Access-Control-Allow-Origin of ${where}`);
    }
    // A Connect GET: the protocol version, the codec and the message itself in the query.
    expectEqual(hello[0].method, "GET", `SayHello method (${JSON.stringify(hello[0])})`);
    expectEqual(hello[0].query, { connect: "v1", encoding: "json", message: '{"name":"Chromium"}' }, "SayHello query");
    expect(/^application\/json\b/.test(hello[0].response["content-type"] ?? ""),
      `SayHello response content-type: expected application/json, got ${hello[0].response["content-type"]}`);
    for (const x of list) {
      expectEqual(x.method, "POST", "ListFeatures method");
      expectEqual(x.request["content-type"], "application/grpc-web+proto", "ListFeatures request content-type");
      expect(/^application\/grpc-web(\+proto)?$/.test(x.response["content-type"] ?? ""),
        `ListFeatures response content-type: expected application/grpc-web+proto, got ${x.response["content-type"]}`);
    }
  });

  await check("no console errors, uncaught exceptions or failed requests", async () => {
    expectEqual([...consoleErrors, ...failedRequests], [], "errors");
  });

  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`screenshot: ${screenshot}`);
} catch (e) {
  failed++;
  console.log(`FAIL - the browser test stopped: ${e?.stack ?? e}`);
} finally {
  await browser.close();
  await rm(profile, { recursive: true, force: true });
}

console.log(`web: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
