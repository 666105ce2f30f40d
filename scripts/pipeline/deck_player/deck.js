// The animated deck's player: no library, no network. Slide n (1..N; 0 is the cover) stepped to
// from n-1 plays its clip (the animation from slide point n-1 to n) and then shows its still;
// any other move shows the still at once. A forward step during a clip finishes it first.
"use strict";
const deck = JSON.parse(document.getElementById("deck-data").textContent);
const slides = deck.slides;
const $ = (id) => document.getElementById(id);
const speaker = new URLSearchParams(location.search).has("speaker");
const clip = $("clip"), still = $("still");
let current = 0, mode = "still", token = 0;

const blobs = new Map();  // single-file decks: a data: URI video plays (and seeks) best as a blob
function videoUrl(src) {
  if (!src.startsWith("data:")) return src;
  if (!blobs.has(src)) {
    const bin = atob(src.slice(src.indexOf(",") + 1));
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    blobs.set(src, URL.createObjectURL(new Blob([bytes], {type: "video/mp4"})));
  }
  return blobs.get(src);
}

function label(s) { return s.scene + " \u00b7 " + s.index + ". " + s.name; }
function setStill(s) { still.src = s.still; still.alt = label(s); still.hidden = false; clip.hidden = true; }
function stopClip() {
  token++;
  clip.onplaying = clip.onended = clip.onerror = null;
  if (!clip.paused) clip.pause();
  clip.loop = false; clip.hidden = true;
}
function finish() {  // land on the current slide's still
  stopClip(); mode = "still";
  if (current > 0) setStill(slides[current - 1]);
  update();
}
function play(s) {
  const mine = ++token;
  mode = s.loop ? "looping" : "playing";
  clip.loop = !!s.loop;
  clip.onplaying = () => { if (mine === token) { clip.hidden = false; still.hidden = true; } };
  clip.onended = () => { if (mine === token) finish(); };
  clip.onerror = () => { if (mine === token) finish(); };  // cannot play: the still, at once
  clip.src = videoUrl(s.video);
  const started = clip.play();
  if (started) started.catch(() => { if (mine === token) finish(); });
}

function go(n, animate) {
  n = Math.max(0, Math.min(slides.length, n | 0));
  stopClip(); mode = "still"; current = n;
  const cover = n === 0;
  $("cover").hidden = !cover; $("frame").hidden = cover; $("caption").hidden = cover;
  if (!cover) {
    const s = slides[n - 1];
    $("caption").textContent = s.notes;
    if (animate && s.video && !speaker) {
      if (n >= 2) setStill(slides[n - 2]); else { still.hidden = true; }
      play(s);  // the previous still stays up until the clip's first frame plays
    } else {
      setStill(s);
    }
  }
  if (n < slides.length) { new Image().src = slides[n].still; }  // warm the next still
  update();
}

function act(action, n) {
  if (action === "next") { if (mode === "playing") finish(); else go(current + 1, true); }
  else if (action === "prev") go(current - 1, false);
  else if (action === "first") go(0, false);
  else if (action === "last") go(slides.length, false);
  else if (action === "go") go(n, false);
  else if (action === "black") { document.body.classList.toggle("black"); update(); }
}

// ---- the speaker view, kept in sync through window.opener / postMessage and BroadcastChannel
const me = Math.random().toString(36).slice(2);
let counter = 0, speakerWindow = null, mainSeen = false;
const seen = new Set();
let channel = null;
try { channel = new BroadcastChannel("glmm-deck:" + deck.id); } catch (e) { channel = null; }
function send(message) {
  const msg = Object.assign({deck: deck.id, id: me + ":" + (++counter)}, message);
  if (channel) channel.postMessage(msg);
  const peer = speaker ? window.opener : speakerWindow;
  if (peer && !peer.closed) { try { peer.postMessage(msg, "*"); } catch (e) { /* gone */ } }
}
function receive(msg) {
  if (!msg || msg.deck !== deck.id || seen.has(msg.id)) return;
  seen.add(msg.id);
  if (speaker && msg.type === "state") {
    mainSeen = true; current = msg.current; mode = msg.mode;
    document.body.classList.toggle("black", !!msg.black); update(true);
  } else if (!speaker && msg.type === "command") act(msg.action, msg.n);
  else if (!speaker && msg.type === "hello") update();
}
window.addEventListener("message", (e) => receive(e.data));
if (channel) channel.onmessage = (e) => receive(e.data);

function openSpeaker() {
  const base = location.href.split(/[?#]/)[0];
  speakerWindow = window.open(base + "?speaker#" + current, "glmm-deck-speaker", "width=1200,height=760");
}

const startedAt = { t: Date.now() };
function two(x) { return String(x).padStart(2, "0"); }
function tick() {
  const s = Math.floor((Date.now() - startedAt.t) / 1000);
  $("sv-timer").textContent = (s >= 3600 ? Math.floor(s / 3600) + ":" : "") + two(Math.floor(s / 60) % 60) + ":" + two(s % 60);
  const now = new Date();
  $("sv-clock").textContent = two(now.getHours()) + ":" + two(now.getMinutes());
}

function update(fromMain) {
  $("count").textContent = current + " / " + slides.length;
  $("where").textContent = current > 0 ? label(slides[current - 1]) : "";
  $("progress").style.width = (100 * current / Math.max(1, slides.length)) + "%";
  document.body.dataset.mode = mode;
  document.body.dataset.current = String(current);
  if (location.hash !== "#" + current) history.replaceState(null, "", location.search + "#" + current);
  if (speaker) {
    const s = slides[current - 1], next = slides[current];
    $("sv-now").hidden = !s; $("sv-now-end").hidden = !!s;
    if (s) { $("sv-now").src = s.still; $("sv-now").alt = label(s); }
    $("sv-next").hidden = !next; $("sv-next-end").hidden = !!next;
    if (next) { $("sv-next").src = next.still; $("sv-next").alt = label(next); }
    $("sv-count").textContent = "slide " + current + " / " + slides.length +
      (mode !== "still" ? " (" + mode + ")" : "") + (document.body.classList.contains("black") ? " (black)" : "");
    $("sv-notes").innerHTML = "";
    if (s) {
      const head = document.createElement("b"); head.textContent = label(s);
      $("sv-notes").append(head, document.createTextNode(s.notes));
    }
  } else if (!fromMain) {
    send({type: "state", current: current, mode: mode, black: document.body.classList.contains("black")});
  }
}

// ---- keys (as reveal.js), clicks, the address
const KEYS = {ArrowRight: "next", ArrowDown: "next", PageDown: "next", " ": "next", Enter: "next",
  n: "next", N: "next", ArrowLeft: "prev", ArrowUp: "prev", PageUp: "prev", Backspace: "prev",
  p: "prev", P: "prev", Home: "first", End: "last", b: "black", B: "black", ".": "black"};
function command(action, n) {
  if (speaker && mainSeen) send({type: "command", action: action, n: n});
  else act(action, n);
}
document.addEventListener("keydown", (e) => {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  const k = e.key;
  if (KEYS[k]) command(KEYS[k]);
  else if (k === "f" || k === "F") {
    if (document.fullscreenElement) document.exitFullscreen(); else document.documentElement.requestFullscreen();
  } else if ((k === "s" || k === "S") && !speaker) openSpeaker();
  else if ((k === "c" || k === "C") && !speaker) document.body.classList.toggle("nocaption");
  else return;
  e.preventDefault();
});
$("stage").addEventListener("click", (e) => command(e.clientX > window.innerWidth / 3 ? "next" : "prev"));
window.addEventListener("hashchange", () => {
  const n = parseInt(location.hash.slice(1), 10) || 0;
  if (n !== current) command("go", n);
});
window.glmmDeck = {go: go, act: act, state: () => ({current: current, mode: mode, slides: slides.length})};

if (speaker) {
  document.body.classList.add("speaker");
  $("deck").hidden = true; $("speaker").hidden = false;
  $("sv-timer").addEventListener("click", () => { startedAt.t = Date.now(); tick(); });
  setInterval(tick, 500); tick();
  current = Math.max(0, Math.min(slides.length, parseInt(location.hash.slice(1), 10) || 0));
  update(true);
  send({type: "hello"});
} else {
  go(parseInt(location.hash.slice(1), 10) || 0, false);
}
