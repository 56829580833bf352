// vipd's page: the model (/api/v1/model) and the live status
// (/api/v1/status), kept current by the event stream (/api/v1/events);
// drain, undrain, reload and validate through the API with the token the
// operator types. Plain DOM, no library; every text goes in as text.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const state = { model: null, status: null, pending: null, events: [] };
  const EVENTS_SHOWN = 30;

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k === "class") e.className = v;
      else e.setAttribute(k, v);
    }
    for (const kid of kids.flat()) {
      if (kid === null || kid === undefined || kid === false) continue;
      e.append(typeof kid === "string" || typeof kid === "number" ? String(kid) : kid);
    }
    return e;
  }

  // first: the answers index.html preloaded (the default cache mode takes
  // them); later: always fresh
  async function getJSON(path, first) {
    const r = await fetch(path, first ? {} : { cache: "no-store" });
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
    return r.json();
  }

  // ---- the interface tree ----

  // Who stacks on whom: an interface's children are its parent and its
  // members; a member that is a veth-peer's other end stands for that
  // veth-peer (its end is the port).
  function stacking(model) {
    const byName = new Map(model.interfaces.map((i) => [i.name, i]));
    const byPeerEnd = new Map();
    for (const i of model.interfaces) if (i.peer) byPeerEnd.set(i.peer, i);
    const below = new Map();
    const referenced = new Set();
    for (const i of model.interfaces) {
      const kids = [];
      for (const name of [i.parent, ...(i.members || [])]) {
        if (!name) continue;
        const iface = byName.get(name) || byPeerEnd.get(name);
        if (!iface) continue;
        kids.push({ iface, via: byName.has(name) ? null : name });
        referenced.add(iface.name);
      }
      below.set(i.name, kids);
    }
    const roots = model.interfaces.filter((i) => !referenced.has(i.name));
    return { roots, below };
  }

  function kindText(i) {
    const parts = [i.type];
    if (i.id !== undefined) parts.push(`id ${i.id}`);
    if (i.mode) parts.push(i.mode);
    if (i.namespace) parts.push(`namespace ${i.namespace}`);
    if (i.peer) parts.push(`other end ${i.peer}` + (i.peer_namespace ? ` in ${i.peer_namespace}` : ""));
    if (i.zone) parts.push(`zone ${i.zone}`);
    if (i.mtu) parts.push(`mtu ${i.mtu}`);
    return parts.join(", ");
  }

  function holder(inst, st, model) {
    if (inst.state === "MASTER") return `${st.node} (this node)`;
    if (inst.master && !inst.master.self) return `${model.peer_node} (${inst.master.address})`;
    return "nobody known yet";
  }

  function checksText(inst) {
    const sig = (inst.health && inst.health.signals) || {};
    const out = [];
    if (sig.link) out.push(`link ${sig.link.interface}: ${sig.link.state}`);
    if (sig.gateway) out.push(`gateway ${sig.gateway.address} (${sig.gateway.method}): ${sig.gateway.state}`);
    // service checks of vrrp.track (issue 13), when the daemon has them
    for (const t of sig.track || [])
      out.push(`check ${t.name} (${t.type}${t.weight === null || t.weight === undefined ? "" :
        ", weight " + t.weight}): ${t.state}`);
    return out.length ? out.join("; ") : `none (${inst.method})`;
  }

  function transitionText(t) {
    if (!t) return "none yet";
    return `${t.from} → ${t.to} (${t.cause}): ${t.reason}, ${t.time}`;
  }

  function slotLabel(mi, model) {
    if (!mi) return "";
    const prefers = mi.priority > mi.peer_priority ? model.node : model.peer_node;
    return `preferred by ${prefers}`;
  }

  // The tree is a thousand rows with a thousand instances: built as one
  // HTML text (every value escaped) and set at once, which is several
  // times faster than a node per cell. H returns markup; strings and
  // numbers given to it are text.
  const ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  const esc = (t) => String(t).replace(/[&<>"']/g, (c) => ESC[c]);
  class Markup { constructor(html) { this.html = html; } }

  function H(tag, attrs, ...kids) {
    let out = "<" + tag;
    for (const [k, v] of Object.entries(attrs || {}))
      if (v !== undefined && v !== null) out += ` ${k}="${esc(v)}"`;
    out += ">";
    for (const kid of kids.flat()) {
      if (kid === null || kid === undefined || kid === false) continue;
      out += kid instanceof Markup ? kid.html : esc(kid);
    }
    return new Markup(out + "</" + tag + ">");
  }

  function instanceRow(inst, st, model, mi) {
    const cell = (label, ...kids) => H("td", null, ...kids); // label: style.css
    const stateCell = cell("State here", H("span", { class: `state state-${inst.state}` }, inst.state),
      inst.healthy ? null : H("div", { class: "unhealthy" }, `unhealthy: ${inst.health_reason}`),
      inst.drained ? H("div", null, "drained") : null);
    return H("tr", { "data-instance": inst.name },
      cell("Slot", H("span", { class: "slot" }, inst.slot), H("div", { class: "hint" }, slotLabel(mi, model))),
      cell("Family, method", `${inst.family}, ${inst.method}`),
      cell("VRID", inst.vrid),
      cell("VIPs", inst.vips.join(", ")),
      cell("Held by", H("span", { class: "owner" }, holder(inst, st, model))),
      stateCell,
      cell("Priority", `${inst.priority.effective} (configured ${inst.priority.configured})`),
      cell("Checks", H("span", { class: "checks" }, checksText(inst))),
      cell("Last transition", H("span", { class: "reason" }, transitionText(inst.last_transition))));
  }

  function slotsTable(insts, st, model, byName) {
    const head = H("thead", null, H("tr", null,
      ["Slot", "Family, method", "VRID", "VIPs", "Held by", "State here", "Priority", "Checks",
        "Last transition"].map((h) => H("th", { scope: "col" }, h))));
    const order = { master: 0, backup: 1 };
    const rows = insts.slice().sort((a, b) => order[a.slot] - order[b.slot] || a.name.localeCompare(b.name))
      .map((i) => instanceRow(i, st, model, byName.get(i.name)));
    return H("table", { class: "slots" }, head, H("tbody", null, rows));
  }

  function pairText(insts, st, model) {
    const seen = new Map();
    for (const i of insts) seen.set(i.family, `${i.address} (${st.node}) ↔ ${i.peer} (${model.peer_node})`);
    const adv = [...new Set(insts.map((i) => i.advert_interface))].filter((n) => n !== insts[0].interface);
    return "communication pair: " + [...seen.values()].join("; ") +
      (adv.length ? `; adverts via ${adv.join(", ")}` : "");
  }

  function ifaceNode(iface, via, ctx, depth) {
    const insts = ctx.byIface.get(iface.name) || [];
    const head = H("div", { class: "iface-head" }, iface.name, " ",
      H("span", { class: "kind" }, `(${kindText(iface)})`),
      via ? H("span", { class: "kind" }, ` — its end ${via} is the port`) : null);
    const parts = [head];
    if (iface.addresses && iface.addresses.length)
      parts.push(H("div", { class: "pair" }, `addresses here: ${iface.addresses.join(", ")}`));
    if (insts.length) {
      parts.push(H("div", { class: "pair" }, pairText(insts, ctx.st, ctx.model)));
      parts.push(slotsTable(insts, ctx.st, ctx.model, ctx.modelInsts));
    }
    const kids = depth < 16 ? ctx.below.get(iface.name) || [] : [];
    if (kids.length) parts.push(H("ul", null, kids.map((k) => ifaceNode(k.iface, k.via, ctx, depth + 1))));
    return H("li", { class: "iface", "data-iface": iface.name }, parts);
  }

  // The service checks of `checks:` (status.checks, issue 13): hidden
  // while the daemon reports none.
  function renderChecks(checks) {
    $("checks-s").hidden = checks.length === 0;
    $("checks").innerHTML = checks.map((c) => H("li", { "data-check": c.name },
      H("span", { class: "state" }, c.state), ` ${c.name} (${c.type}): ${c.reason}`,
      c.users !== undefined ? ` — tracked by ${c.users}` : null).html).join("");
  }

  function render() {
    const { model, status: st } = state;
    if (!model || !st) return;
    $("cluster").textContent = `· cluster ${st.cluster}`;
    $("whoami").textContent = `this page is node ${st.node}'s view; its peer is ${model.peer_node}. ` +
      `vipd ${st.version}, started ${st.started}, ${st.reloads} reloads.`;
    $("drained").textContent = st.drained
      ? `Node ${st.node} is DRAINED: it advertises priority 1, its peer holds the VIPs.`
      : `Node ${st.node} is not drained.`;
    const byIface = new Map();
    for (const i of st.instances) {
      if (!byIface.has(i.interface)) byIface.set(i.interface, []);
      byIface.get(i.interface).push(i);
    }
    const { roots, below } = stacking(model);
    const modelInsts = new Map(model.instances.map((i) => [i.name, i]));
    const ctx = { byIface, below, st, model, modelInsts };
    $("tree").innerHTML = roots.map((r) => ifaceNode(r, null, ctx, 0).html).join("");
    renderChecks(st.checks || []);
    // when the page first showed everything (laid out and painted: the
    // task after the next frame), in ms from the navigation's start;
    // tests/topo/test_web.py reads it
    if (!state.rendered) {
      state.rendered = true;
      requestAnimationFrame(() => setTimeout(() => {
        document.documentElement.dataset.firstRenderMs = Math.round(performance.now());
      }, 0));
    }
  }

  // ---- live updates ----

  function refreshStatus() {
    if (state.pending) return;
    state.pending = setTimeout(async () => {
      state.pending = null;
      try {
        state.status = await getJSON("/api/v1/status?counters=false");
        render();
      } catch (e) {
        $("live").textContent = `status: ${e.message}`;
      }
    }, 30);
  }

  async function refreshAll(first) {
    const [model, status] = await Promise.all([getJSON("/api/v1/model", first),
      getJSON("/api/v1/status?counters=false", first)]);
    state.model = model;
    state.status = status;
    render();
  }

  function eventText(ev) {
    const t = ev.time.slice(11, 23);
    if (ev.type === "transition")
      return `${t} ${ev.instance}: ${ev.from} → ${ev.to} (${ev.cause}: ${ev.reason})`;
    if (ev.type === "health")
      return `${t} ${ev.instance}: ${ev.healthy ? "healthy" : "UNHEALTHY"} (${ev.reason})`;
    if (ev.type === "vip_repair") return `${t} ${ev.instance}: VIP ${ev.vip}: ${ev.reason}`;
    return `${t} ${ev.type}${ev.reason ? ": " + ev.reason : ""}`;
  }

  function showEvent(ev) {
    const list = $("events");
    list.prepend(el("li", { "data-seq": ev.seq, "data-type": ev.type }, eventText(ev)));
    while (list.children.length > EVENTS_SHOWN) list.lastChild.remove();
  }

  function listen() {
    const es = new EventSource("/api/v1/events?backlog=20");
    es.onopen = () => { $("live").textContent = "live: the page follows the event stream"; };
    es.onerror = () => { $("live").textContent = "event stream lost: reconnecting…"; };
    es.onmessage = (m) => {
      let ev;
      try { ev = JSON.parse(m.data); } catch (e) { return; }
      showEvent(ev);
      if (ev.type === "reload") refreshAll().catch(() => {});
      else refreshStatus();
    };
  }

  // ---- writes ----

  function token() {
    const t = $("token").value.trim();
    try { sessionStorage.setItem("vipd-token", t); } catch (e) { /* private mode */ }
    return t;
  }

  async function post(path, body) {
    const r = await fetch(path, {
      method: "POST", cache: "no-store", body: body || "",
      headers: { Authorization: `Bearer ${token()}`, "Content-Type": "application/yaml" },
    });
    let doc = null;
    try { doc = await r.json(); } catch (e) { /* evhttp's own answers are not JSON */ }
    return { status: r.status, doc };
  }

  async function action(path, question) {
    if (!window.confirm(question)) {
      $("action-result").textContent = "cancelled";
      return;
    }
    const { status, doc } = await post(path);
    if (status === 200) $("action-result").textContent = `done: ${JSON.stringify(doc)}`;
    else $("action-result").textContent = `refused (HTTP ${status}): ${doc ? doc.error : ""}` +
      (doc && doc.errors ? "\n" + doc.errors.join("\n") : "");
    refreshAll().catch(() => {});
  }

  function renderListing(text, diags) {
    const byLine = new Map();
    for (const d of diags) {
      if (!byLine.has(d.line)) byLine.set(d.line, []);
      byLine.get(d.line).push(d);
    }
    const diagDiv = (d) => el("div", { class: "diag" },
      `${d.severity}: ${d.message}` + (d.line ? ` (line ${d.line}, column ${d.col})` : ""));
    const items = [];
    for (const d of byLine.get(0) || []) items.push(el("li", { class: "has-diag", value: 0 }, diagDiv(d)));
    text.split("\n").forEach((line, n) => {
      const ds = byLine.get(n + 1) || [];
      items.push(el("li", { "data-line": n + 1, class: ds.length ? "has-diag" : null, value: n + 1 },
        line || " ", ds.map(diagDiv)));
    });
    $("listing").replaceChildren(...items);
  }

  async function validate() {
    const text = $("candidate").value;
    const { status, doc } = await post("/api/v1/validate", text);
    if (status !== 200 || !doc) {
      $("validate-result").textContent = `refused (HTTP ${status}): ${doc ? doc.error : ""}`;
      $("listing").replaceChildren();
      return;
    }
    const diags = doc.valid ? doc.warnings : doc.errors;
    $("validate-result").textContent = doc.valid
      ? `valid: cluster ${doc.cluster}, ${doc.interfaces} interfaces, ${doc.instances} VRRP instances`
      : `invalid: ${diags.filter((d) => d.severity === "error").length} errors`;
    renderListing(text, diags);
  }

  function wire() {
    try { $("token").value = sessionStorage.getItem("vipd-token") || ""; } catch (e) { /* none */ }
    const node = () => (state.status ? state.status.node : "this node");
    const peer = () => (state.model ? state.model.peer_node : "the peer");
    $("drain").addEventListener("click", () =>
      action("/api/v1/drain", `Drain ${node()}? Every VIP it holds moves to ${peer()}.`));
    $("undrain").addEventListener("click", () =>
      action("/api/v1/undrain", `Undrain ${node()}? It takes its preferred slots back.`));
    $("reload").addEventListener("click", () =>
      action("/api/v1/reload", `Reload the file on ${node()}? Only changed instances move.`));
    $("validate").addEventListener("click", () => { validate().catch(() => {}); });
  }

  document.addEventListener("DOMContentLoaded", () => {
    wire();
    refreshAll(true).then(listen).catch((e) => { $("live").textContent = `cannot load: ${e.message}`; });
  });
})();
