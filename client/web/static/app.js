// The chat page: sends each turn to this server's relay (POST /api/turns) and renders the answer as it streams.
//
// Model output is untrusted. Markdown is rendered by markdown-it with raw HTML off, so an answer's <script> or
// <img onerror> stays visible text; tool names, inputs and results and every error message are set as text, never
// as HTML; and the server's Content-Security-Policy lets only this origin's own scripts run.

import markdownit from "./vendor/markdown-it/markdown-it.esm.min.mjs";
import hljs from "./vendor/highlight.js/core.min.js";
import bash from "./vendor/highlight.js/languages/bash.min.js";
import c from "./vendor/highlight.js/languages/c.min.js";
import cpp from "./vendor/highlight.js/languages/cpp.min.js";
import diff from "./vendor/highlight.js/languages/diff.min.js";
import go from "./vendor/highlight.js/languages/go.min.js";
import java from "./vendor/highlight.js/languages/java.min.js";
import javascript from "./vendor/highlight.js/languages/javascript.min.js";
import json from "./vendor/highlight.js/languages/json.min.js";
import python from "./vendor/highlight.js/languages/python.min.js";
import rust from "./vendor/highlight.js/languages/rust.min.js";
import shell from "./vendor/highlight.js/languages/shell.min.js";
import sql from "./vendor/highlight.js/languages/sql.min.js";
import typescript from "./vendor/highlight.js/languages/typescript.min.js";
import xml from "./vendor/highlight.js/languages/xml.min.js";
import yaml from "./vendor/highlight.js/languages/yaml.min.js";

const GRAMMARS = { bash, c, cpp, diff, go, java, javascript, json, python, rust, shell, sql, typescript, xml, yaml };
for (const [name, grammar] of Object.entries(GRAMMARS)) hljs.registerLanguage(name, grammar);

const markdown = markdownit({
  html: false, // raw HTML in an answer is shown as text, never parsed
  linkify: true,
  highlight(code, language) {
    if (!language || !hljs.getLanguage(language)) return ""; // markdown-it then escapes it as plain text
    return hljs.highlight(code, { language, ignoreIllegals: true }).value; // escaped text in <span>s
  },
});
// An image URL in an answer could carry data to another site the moment it renders; a link needs a click.
markdown.disable("image");
const renderLinkOpen = markdown.renderer.rules.link_open
  ?? ((tokens, index, options, env, self) => self.renderToken(tokens, index, options));
markdown.renderer.rules.link_open = (tokens, index, options, env, self) => {
  tokens[index].attrSet("target", "_blank");
  tokens[index].attrSet("rel", "noopener noreferrer");
  return renderLinkOpen(tokens, index, options, env, self);
};

const TITLES = {
  throttled: "Throttled",
  refused: "Refused",
  unreachable: "Agent unreachable",
  configuration: "Configuration problem",
  stream: "The answer broke off",
  bad_request: "Not sent",
  forbidden: "Not allowed",
  signed_out: "Not signed in",
  unexpected: "Error",
};

const transcript = document.getElementById("transcript");
const form = document.getElementById("ask");
const promptBox = document.getElementById("prompt");
const sendButton = document.getElementById("send");
const stopButton = document.getElementById("stop");
const sessionLine = document.getElementById("session");
const userLine = document.getElementById("user");
const signInButton = document.getElementById("sign-in");
const signOutButton = document.getElementById("sign-out");

let sessionId = null; // the agent's conversation: every turn sends it, "New conversation" forgets it
let current = null; // the turn that is streaming: { controller }

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** One answer as it streams: stretches of Markdown between tool calls, then stats or a problem. */
class Answer {
  constructor(turn) {
    this.node = element("div", "answer");
    this.node.dataset.state = "streaming";
    turn.append(this.node);
    this.text = null; // the stretch of Markdown that text deltas extend: { node, source }
    this.tools = new Map();
    this.dirty = new Set();
    this.frame = 0;
  }

  addText(delta) {
    if (!this.text) {
      this.text = { node: element("div", "markdown"), source: "" };
      this.node.append(this.text.node);
    }
    this.text.source += delta;
    this.dirty.add(this.text);
    // Deltas arriving within one frame are drawn together: the whole stretch is re-rendered, so a table or a code
    // block takes its final shape as soon as enough of it has arrived.
    this.frame ||= requestAnimationFrame(() => this.render());
  }

  render() {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    for (const stretch of this.dirty) stretch.node.innerHTML = markdown.render(stretch.source);
    this.dirty.clear();
  }

  addToolUse(event) {
    this.render();
    this.text = null;
    const box = element("details", "tool");
    box.open = true;
    box.dataset.status = "pending";
    const summary = element("summary");
    summary.append("Tool ", element("span", "tool-name", String(event.name)), " ");
    summary.append(element("code", "tool-input", JSON.stringify(event.input ?? {})), element("span", "tool-state"));
    box.append(summary, element("pre", "tool-result"));
    this.node.append(box);
    this.tools.set(event.id, box);
  }

  addToolResult(event) {
    const box = this.tools.get(event.id);
    if (!box) return;
    box.dataset.status = String(event.status);
    const parts = (event.content ?? []).map((part) => part.text ?? JSON.stringify(part.json ?? part));
    box.querySelector(".tool-result").textContent = `→ ${parts.join("\n")}`;
  }

  problem({ kind, message, hint }) {
    const box = element("div", "problem");
    box.dataset.kind = kind ?? "unexpected";
    box.append(element("strong", null, `${TITLES[kind] ?? TITLES.unexpected}: `), String(message ?? ""));
    if (hint) box.append(" ", element("span", "hint", `(${hint})`));
    this.node.append(box);
  }

  finish(state, note) {
    this.render();
    this.node.dataset.state = state;
    if (note) this.node.append(note);
  }
}

function statsLine(started, firstChunk, ended, done) {
  const usage = done?.usage ?? {};
  const parts = [];
  if (firstChunk !== null) parts.push(`first chunk ${Math.round(firstChunk - started)} ms`);
  if (usage.totalTokens !== undefined) {
    parts.push(`${usage.totalTokens} tokens (${usage.inputTokens} in, ${usage.outputTokens} out)`);
  }
  parts.push(`${((ended - started) / 1000).toFixed(2)} s total`);
  const line = element("div", "stats", parts.join(" · "));
  line.dataset.ttfcMs = firstChunk === null ? "" : String(Math.round(firstChunk - started));
  line.dataset.totalMs = String(Math.round(ended - started));
  return line;
}

/** The relay's answer, one JSON value per line, each as soon as its line is complete. */
async function* events(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 1);
      if (line) yield JSON.parse(line);
    }
  }
}

async function problemOf(response) {
  try {
    const body = await response.json();
    if (body?.error) return body.error;
  } catch {
    // not the relay's JSON: fall through to the status
  }
  return { kind: "unexpected", message: `the relay answered HTTP ${response.status}` };
}

function setBusy(busy) {
  sendButton.hidden = busy;
  stopButton.hidden = !busy;
}

function showSession() {
  sessionLine.textContent = sessionId ? `session ${sessionId}` : "new conversation";
}

async function ask(prompt) {
  const turn = element("section", "turn");
  turn.append(element("div", "question", prompt));
  transcript.append(turn);
  const answer = new Answer(turn);
  const controller = new AbortController();
  current = { controller };
  setBusy(true);
  const started = performance.now();
  let firstChunk = null;
  let done = null;
  let failed = false;
  try {
    const response = await fetch("/api/turns", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ prompt, session_id: sessionId }),
      signal: controller.signal,
    });
    if (!response.ok) {
      answer.problem(await problemOf(response));
      answer.finish("failed");
      return;
    }
    sessionId = response.headers.get("X-Session-Id") ?? sessionId;
    showSession();
    for await (const event of events(response.body)) {
      if (event.type === "text") {
        firstChunk ??= performance.now();
        answer.addText(event.text);
      } else if (event.type === "tool_use") {
        answer.addToolUse(event);
      } else if (event.type === "tool_result") {
        answer.addToolResult(event);
      } else if (event.type === "done") {
        done = event;
      } else if (event.type === "error") {
        answer.problem(event);
        failed = true;
      }
    }
    if (!failed && !done) {
      answer.problem({ kind: "stream", message: "the answer ended without its final event; it may be incomplete" });
      failed = true;
    }
    answer.finish(failed ? "failed" : "done", statsLine(started, firstChunk, performance.now(), done));
  } catch (error) {
    if (controller.signal.aborted) {
      answer.finish("stopped", element("div", "notice", "Stopped."));
    } else {
      answer.problem({
        kind: "unreachable",
        message: `the page lost the relay (${error.message})`,
        hint: "is `python -m client web` still running?",
      });
      answer.finish("failed");
    }
  } finally {
    if (current?.controller === controller) current = null;
    setBusy(current !== null);
    transcript.lastElementChild?.scrollIntoView({ block: "end" });
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const prompt = promptBox.value;
  if (!prompt.trim() || current) return;
  promptBox.value = "";
  ask(prompt);
});

promptBox.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    form.requestSubmit();
  }
});

stopButton.addEventListener("click", () => current?.controller.abort());

document.getElementById("new-conversation").addEventListener("click", () => {
  current?.controller.abort();
  transcript.replaceChildren();
  sessionId = null;
  showSession();
  promptBox.focus();
});

// With an agent that takes signed-in users' tokens, the relay signs this browser's user in (Sign in goes to the
// provider and back), keeps their token itself, and sends every turn with it; the page only says who is signed in.
function showUser(signIn, user) {
  userLine.hidden = !user;
  userLine.textContent = user ? `Signed in as ${user}` : "";
  signInButton.hidden = !signIn || Boolean(user);
  signOutButton.hidden = !signIn || !user;
}

signInButton.addEventListener("click", () => window.location.assign("/auth/login"));

signOutButton.addEventListener("click", async () => {
  current?.controller.abort();
  const response = await fetch("/auth/logout", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: "{}",
  });
  const { signed_out_url: signedOutUrl } = response.ok ? await response.json() : {};
  if (signedOutUrl) window.location.assign(signedOutUrl); // the provider signs the browser out too, then back here
  else window.location.reload();
});

fetch("/api/target")
  .then((response) => response.json())
  .then(({ kind, target, sign_in: signIn, user }) => {
    document.getElementById("target").textContent = kind === "local" ? `local agent ${target}` : `AgentCore ${target}`;
    showUser(signIn, user);
  })
  .catch(() => {
    document.getElementById("target").textContent = "the relay is not answering";
  });

sendButton.disabled = false; // the page is ready: everything above has loaded
promptBox.focus();
