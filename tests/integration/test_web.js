//usr/bin/env true; echo "skipped - test_web.js runs under test_web.sh (it installs chromium and the npm packages first)"; echo "0 passed, 0 failed"; exit 0
// (The line above lets `bash test_web.js`, which ctest's test_* glob runs,
//  exit cleanly: bash runs it, node reads it as a comment.)
//
// test_web.js - the helpdesk page in Debian's chromium, driven by
// playwright-core, against the real server's GET /. Started by test_web.sh,
// which sets: BASE_URL (server with --max-log 200K --max-body 300K),
// TOKEN_URL + TOKEN (server with --token-file), CHROMIUM, ROOT, PROFILE_DIR,
// ARTIFACTS, NODE_PATH. Prints one line per check and "N passed, M failed".
"use strict";
const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

const BASE = process.env.BASE_URL;
const ROOT = process.env.ROOT;
const LAB = path.join(ROOT, "tests/corpus/lab");
const RESP = path.join(LAB, "ikev1-p1-encryption-mismatch/responder.log");
const INIT = path.join(LAB, "ikev1-p1-encryption-mismatch/initiator.log");
const ARTIFACTS = process.env.ARTIFACTS || path.join(ROOT, "tests/artifacts");

let passed = 0, failed = 0;
function check(ok, what, why) {
  if (ok) { passed++; console.log("ok - " + what); }
  else { failed++; console.log("FAIL - " + what + (why ? ": " + why : "")); }
}

async function rpc(url, method, params, headers) {
  const r = await fetch(url + "/rpc", {
    method: "POST", headers: Object.assign({ "Content-Type": "application/json" }, headers || {}),
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params })
  });
  return r.json();
}

async function main() {
  // The class titles come from the service's own catalogue.
  const classes = (await rpc(BASE, "classes")).result;
  const title = Object.fromEntries(classes.map(c => [c.name, c.title]));

  const ctx = await chromium.launchPersistentContext(process.env.PROFILE_DIR, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1200, height: 900 },
  });
  // the two servers' origins; the page may reach nothing else
  const origins = [BASE, process.env.TOKEN_URL].filter(Boolean).map(u => new URL(u).origin + "/");
  const foreign = [];
  ctx.on("request", req => {
    const u = req.url();
    if (!origins.some(o => u.startsWith(o)) && !u.startsWith("data:") && !u.startsWith("blob:")) foreign.push(u);
  });
  const dialogs = [];
  const page = ctx.pages()[0] || await ctx.newPage();
  page.on("dialog", d => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  const consoleErrors = [];
  page.on("pageerror", e => consoleErrors.push(String(e)));

  // ---- the page is the server's GET / --------------------------------------------
  const resp = await page.goto(BASE + "/", { waitUntil: "load" });
  check(resp && resp.status() === 200, "GET / answers 200", resp && String(resp.status()));
  check(resp && /^text\/html/.test(resp.headers()["content-type"] || ""), "GET / is text/html",
        resp && resp.headers()["content-type"]);
  const served = resp ? await resp.text() : "";
  const onDisk = fs.readFileSync(path.join(ROOT, "web/index.html"), "utf8");
  check(served === onDisk, "GET / serves web/index.html as it is in the tree");
  check((await page.title()) === "IPsec diagnosis", "page title");

  // labels: every form control has one
  const unlabelled = await page.$$eval("textarea, input, select", els =>
    els.filter(e => !(e.labels && e.labels.length)).map(e => e.id || e.name));
  check(unlabelled.length === 0, "every form control has a label", unlabelled.join(","));

  // ---- empty input -----------------------------------------------------------------
  await page.click("#diagnose");
  await page.waitForFunction(() => document.getElementById("error").textContent.length > 0, null, { timeout: 5000 });
  const emptyErr = await page.textContent("#error");
  check(/Nothing to diagnose/.test(emptyErr), "empty input: plain error message", emptyErr);
  check(await page.getAttribute("#error", "aria-live") === "assertive" &&
        await page.getAttribute("#error", "role") === "alert", "errors are in an aria-live region (role=alert)");
  check(await page.$$eval(".card", c => c.length) === 0, "empty input: no cards");

  // ---- one pasted log, submitted with the keyboard ----------------------------------
  await page.fill("#log-a", fs.readFileSync(RESP, "utf8"));
  await page.focus("#log-a");
  // Tab through to the button (focus order: textarea, file, [peer textarea, file], token details, button)
  let reached = false;
  for (let i = 0; i < 12 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => document.activeElement && document.activeElement.id === "diagnose");
  }
  check(reached, "the Diagnose button is reached with Tab");
  const outline = await page.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    return s.outlineStyle + " " + s.outlineWidth;
  });
  check(reached && !/^none/.test(outline) && !/ 0px$/.test(outline), "keyboard focus is visible (" + outline + ")");
  await page.keyboard.press("Enter");
  await page.waitForSelector(".card", { timeout: 15000 });
  check((await page.textContent("#error")) === "", "no error after a good log");
  const card = page.locator('.card[data-class="phase1_encryption_mismatch"]').first();
  check(await card.count() === 1, "a card for phase1_encryption_mismatch");
  const h3 = await card.locator("h3").textContent();
  check(h3 === title.phase1_encryption_mismatch, "card shows the class title (" + h3 + ")");
  check(/Phase 1/.test(await card.locator(".badge.phase").textContent()), "card shows the phase");
  check(/Error/i.test(await card.locator(".badge.sev-error").textContent()), "card shows the severity");
  const row = card.locator("table.offending tbody tr").first();
  const field = await row.locator("th").textContent();
  const local = await row.locator("td.local").textContent();
  const peer = await row.locator("td.peer").textContent();
  check(field === "phase1.encryption", "offending table: field phase1.encryption", field);
  check(local === "AES_CBC_256", "offending table: this side AES_CBC_256", local);
  check(peer === "AES_CBC_128", "offending table: peer AES_CBC_128", peer);
  const pf = await card.locator("dd.pfsense").textContent().catch(() => "");
  const ss = await card.locator("dd.strongswan").textContent().catch(() => "");
  check(pf.length > 0, "recommended change for pfSense", pf);
  check(ss.length > 0, "recommended change for strongSwan", ss);
  const evid = await card.locator("ol.evidence li").count();
  const marks = await card.locator("ol.evidence mark").allTextContents();
  check(evid > 0, "evidence lines shown (" + evid + ")");
  check(marks.includes("AES_CBC_256") || marks.includes("AES_CBC_128"), "offending values highlighted in the evidence", marks.join(","));
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  check(focused === "results-title", "focus moves to the results heading", focused);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, "web-form.png"), fullPage: true });
  check(fs.statSync(path.join(ARTIFACTS, "web-form.png")).size > 10000, "screenshot tests/artifacts/web-form.png");

  // ---- two files, one per end -------------------------------------------------------
  await page.fill("#log-a", "");
  await page.setInputFiles("#file-a", INIT);
  await page.setInputFiles("#file-b", RESP);
  await page.click("#diagnose");
  await page.waitForFunction(() => {
    const s = document.querySelector(".sources");
    return s && s.children.length === 2;
  }, null, { timeout: 15000 });
  const sources = await page.$$eval(".sources li", l => l.map(x => x.textContent));
  check(sources.length === 2 && /^initiator\.log/.test(sources[0]) && /^responder\.log/.test(sources[1]),
        "two files: both logs listed as sources", sources.join(" | "));
  const joined = await page.$$eval(".card .meta", m => m.map(x => x.textContent).filter(t => /joined with/.test(t)));
  check(joined.length >= 1, "two files: the two ends' diagnoses are joined", String(joined.length));
  // every offending cell shows what the service answered for the same two logs
  const both = (await rpc(BASE, "diagnose", { logs: [
    { name: "initiator.log", log: fs.readFileSync(INIT, "utf8") },
    { name: "responder.log", log: fs.readFileSync(RESP, "utf8") }] })).result;
  const want = [];
  for (const d of both.diagnoses.slice().sort((a, b) => ({ error: 0, warning: 1, info: 2 }[a.severity] - { error: 0, warning: 1, info: 2 }[b.severity])))
    for (const o of d.offending) want.push([o.field, o.local === null ? "unknown" : o.local, o.peer === null ? "unknown" : o.peer].join("|"));
  const shown = await page.$$eval(".card table.offending tbody tr", rows => rows.map(r =>
    [r.querySelector("th").textContent, r.querySelector("td.local").textContent, r.querySelector("td.peer").textContent].join("|")));
  check(JSON.stringify(shown) === JSON.stringify(want), "two files: the offending tables show what the service answered (" + shown.length + " rows)",
        JSON.stringify(shown) + " vs " + JSON.stringify(want));
  check(shown.includes("phase1.encryption|AES_CBC_256|AES_CBC_128"), "two files: responder.log's card: AES_CBC_256 here, AES_CBC_128 at the peer");
  check(shown.includes("phase1.encryption|AES_CBC_128|AES_CBC_256"),
        "two files: initiator.log's card, joined with the responder's: AES_CBC_128 here, AES_CBC_256 at the peer");
  await page.screenshot({ path: path.join(ARTIFACTS, "web-form-two-ends.png"), fullPage: true });
  await page.click("#clear-a");
  await page.click("#clear-b");

  // ---- markup in the log is text --------------------------------------------------------
  const evil = '<script>window.__xss=1;alert("xss")</script><img src=x onerror="window.__xss=2;alert(2)">';
  // on two lines that end up as evidence (the engine reads past the extra text), and as a line of its own
  const injected = fs.readFileSync(RESP, "utf8")
    .replace(/(received packet: from 198\.51\.100\.2\[500\] to 203\.0\.113\.2\[500\] \(180 bytes\))/, "$1 " + evil)
    .replace(/(looking for an IKEv1 config for \S+)/, "$1 " + evil) + evil + "\n";
  await page.fill("#log-a", injected);
  await page.setInputFiles("#file-b", { name: 'peer<img src=x onerror="window.__xss=3">.log', mimeType: "text/plain",
                                        buffer: Buffer.from(fs.readFileSync(INIT, "utf8")) });
  await page.click("#diagnose");
  await page.waitForFunction(() => document.querySelectorAll(".sources li").length === 2, null, { timeout: 15000 });
  await page.waitForTimeout(300);
  const xss = await page.evaluate(() => window.__xss);
  const injectedEls = await page.$$eval("#results script, #results img, #results [onerror]", e => e.length);
  const resultsText = await page.textContent("#results");
  check(dialogs.length === 0, "markup in a log opens no dialog", dialogs.join(","));
  check(xss === undefined, "markup in a log runs no script", String(xss));
  check(injectedEls === 0, "markup in a log injects no element", String(injectedEls));
  check(resultsText.includes('peer<img src=x onerror="window.__xss=3">.log'), "a file name with markup is shown as text");
  const evidenceHasScript = await page.$$eval("ol.evidence li", (l, ev) => l.filter(x => x.textContent.includes(ev)).length, evil);
  check(evidenceHasScript >= 2, "log lines with <script> and <img onerror> are shown as text in the evidence (" + evidenceHasScript + ")");
  await page.click("#clear-b");

  // ---- errors from the server and the network --------------------------------------------
  const big = ("Nov 27 14:07:45 fw-b charon[3243]: 11[IKE] " + "x".repeat(200) + "\n").repeat(1200); // ~290 KB
  // (set directly: typing 300 KB through fill() takes too long)
  const setLog = v => page.$eval("#log-a", (el, val) => { el.value = val; el.dispatchEvent(new Event("input")); }, v);
  await setLog(big);
  await page.click("#diagnose");
  await page.waitForFunction(() => document.getElementById("error").textContent.length > 0, null, { timeout: 15000 });
  const tooLarge = await page.textContent("#error");
  check(/too large/i.test(tooLarge), "a log over the service's limit: 'too large' shown", tooLarge);
  const bigger = big + big;  // ~580 KB: the HTTP body limit
  await setLog(bigger);
  await page.click("#diagnose");
  await page.waitForFunction(() => /413|too large/i.test(document.getElementById("error").textContent), null, { timeout: 15000 }).catch(() => {});
  const tooLarge2 = await page.textContent("#error");
  check(/too large/i.test(tooLarge2) && /413/.test(tooLarge2), "a body over the HTTP limit: 413 shown", tooLarge2);

  await page.fill("#log-a", fs.readFileSync(RESP, "utf8"));
  await page.route("**/rpc", r => r.abort("connectionrefused"));
  await page.click("#diagnose");
  await page.waitForFunction(() => /network/i.test(document.getElementById("error").textContent), null, { timeout: 10000 }).catch(() => {});
  const netErr = await page.textContent("#error");
  check(/Could not reach/.test(netErr), "network failure: plain message", netErr);
  await page.unroute("**/rpc");
  check(await page.isEnabled("#diagnose"), "the button is usable again after an error");

  // ---- narrow screen ----------------------------------------------------------------------
  await page.setViewportSize({ width: 360, height: 740 });
  await page.click("#diagnose");
  await page.waitForSelector(".card", { timeout: 15000 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  const widest = await page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    return [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > w + 1)
      .slice(0, 5).map(e => e.tagName + "." + e.className + "#" + e.id + ":" + Math.round(e.getBoundingClientRect().right)).join(" ");
  });
  check(overflow <= 1, "narrow screen (360 px): no horizontal scrolling", overflow + " px; " + widest);
  const cols = await page.evaluate(() => getComputedStyle(document.querySelector(".ends")).gridTemplateColumns.split(" ").length);
  check(cols === 1, "narrow screen: the two ends stack", String(cols));
  await page.screenshot({ path: path.join(ARTIFACTS, "web-form-narrow.png"), fullPage: true });
  await page.setViewportSize({ width: 1200, height: 900 });

  // ---- a service with a bearer token ---------------------------------------------------------
  if (process.env.TOKEN_URL) {
    const p2 = await ctx.newPage();
    p2.on("dialog", d => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
    const r2 = await p2.goto(process.env.TOKEN_URL + "/", { waitUntil: "load" });
    check(r2 && r2.status() === 200, "token server: the page loads without a token");
    await p2.fill("#log-a", fs.readFileSync(RESP, "utf8"));
    await p2.click("#diagnose");
    await p2.waitForFunction(() => document.getElementById("error").textContent.length > 0, null, { timeout: 10000 });
    const e401 = await p2.textContent("#error");
    check(/401/.test(e401) && await p2.evaluate(() => document.getElementById("settings").open),
          "token server: 401 explained and the token field opened", e401);
    await p2.fill("#token", process.env.TOKEN);
    await p2.click("#diagnose");
    await p2.waitForSelector(".card", { timeout: 15000 });
    check((await p2.textContent("#error")) === "", "token server: works with the token");
    await p2.close();
  } else {
    console.log("skipped - token server did not start");
  }

  check(foreign.length === 0, "the page requested nothing outside its origin", foreign.join(", "));
  check(consoleErrors.length === 0, "no script errors in the page", consoleErrors.join(" | "));
  await ctx.close();
}

main().catch(e => { check(false, "browser test ran to the end", e && e.stack || String(e)); })
  .finally(() => {
    console.log(passed + " passed, " + failed + " failed");
    process.exit(failed ? 1 : 0);
  });
