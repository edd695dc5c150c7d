/* tensorgrad's backward-pass explorer: the script of the page tg.viz.explore writes.
 *
 * The page holds draw_graph's SVG and, in <script id="tg-data">, the data explorer_data.py describes.
 * A position on the timeline runs from 0 (only the leaves exist) through the forward pass (1..F: op
 * forward[p-1] has just run) and the backward pass (F+1..F+B: step steps[p-F-1] has just run).
 *
 * Two parts:
 *  1. the timeline: pure functions of (data, position) that say what is current, computed and complete
 *     (no DOM; Node can load this file and replay a pass: module.exports below);
 *  2. the page: applies that state to the SVG's boxes and arrows (CSS classes), and draws the side panel,
 *     the controls, the search and the colouring by gradient norm.
 */
"use strict";

/* ------------------------------------------------------------------------------------- the timeline */

/** Give each node its id (its position), its box (the SVG element that draws it) and its boxes (a
 *  constant several ops use has one beside each), which the data leaves implicit; returns the data. */
function prepare(data) {
  data.nodes.forEach(function (node, i) { node.id = i; });
  return mapBoxes(data);
}

/** Each node's boxes in the picture shown now (``data.boxes``): none for a node it does not draw. */
function mapBoxes(data) {
  data.nodes.forEach(function (node) { node.boxes = []; });
  Object.keys(data.boxes).forEach(function (id) {
    data.boxes[id].members.forEach(function (i) { data.nodes[i].boxes.push(id); });
  });
  data.nodes.forEach(function (node) { node.box = node.boxes[0]; });
  return data;
}

/** How many positions the slider has: the start, each forward op, each backward step. */
function timelineLength(data) {
  return data.forward.length + data.steps.length + 1;
}

/** What is true at a position: the phase, the node that just ran, how far each pass has got. */
function stateAt(data, position) {
  const F = data.forward.length;
  const B = data.steps.length;
  const p = Math.max(0, Math.min(position, F + B));
  const forwardDone = Math.min(p, F);
  const backwardDone = Math.max(0, p - F);
  const step = backwardDone > 0 ? data.steps[backwardDone - 1] : null;
  let phase = "start";
  if (p > 0 && p <= F) phase = "forward";
  else if (p > F) phase = "backward";
  return {
    position: p,
    phase: phase,
    forwardDone: forwardDone,
    backwardDone: backwardDone,
    lastStep: step ? step.step : 0, // the engine's step number (node.order) of the step that just ran
    current: phase === "forward" ? data.forward[p - 1] : step ? step.node : null,
    step: step,
  };
}

/** Whether a node's value exists yet (leaves always; an op once its forward has run). */
function computed(node, state) {
  return node.forward === undefined || node.forward < state.forwardDone;
}

/** Whether a node's gradient is complete at this state (all its contributions have arrived). */
function gradReady(node, state) {
  return node.ready !== undefined && state.backwardDone > 0 && node.ready <= state.lastStep;
}

/** The contributions to a node's gradient that have arrived by this state. */
function arrived(node, state) {
  return (node.contributions || []).filter(function (c) {
    return state.backwardDone > 0 && c[0] <= state.lastStep;
  });
}

/** The CSS classes of every box and arrow at a state: {boxes: {svgId: [...]}, edges: {svgId: [...]}}. */
function classesAt(data, state) {
  const boxes = {};
  const edges = {};
  const current = state.current === null ? null : data.nodes[state.current];
  const receiving = {};
  if (state.phase === "backward") {
    state.step.sends.forEach(function (s) {
      receiving[data.nodes[s.to].box] = true;
    });
  }
  Object.keys(data.boxes).forEach(function (id) {
    const box = data.boxes[id];
    const names = [];
    if (box.forward !== null && box.forward >= state.forwardDone) names.push("tg-future");
    if (current && current.box === id) names.push("tg-current");
    if (receiving[id]) names.push("tg-receiving");
    const ready = box.ready !== null && state.backwardDone > 0 && box.ready <= state.lastStep;
    names.push(ready ? "tg-grad-ready" : "tg-grad-pending");
    if (ready && state.phase === "backward" && box.ready === state.lastStep) names.push("tg-filled");
    boxes[id] = names;
  });
  data.edges.forEach(function (edge) {
    const names = [];
    if (edge.forward >= state.forwardDone) names.push("tg-future");
    const mine = current !== null && edge.pairs.some(function (pair) {
      return pair[0] === state.current;
    });
    if (mine) names.push(state.phase === "forward" ? "tg-active-forward" : "tg-active");
    const sent = edge.sent !== null && state.backwardDone > 0 && edge.sent <= state.lastStep;
    names.push(sent ? "tg-sent" : "tg-unsent");
    edges[edge.svg[0]] = names;
  });
  return { boxes: boxes, edges: edges };
}

/** One line saying what happens at a state. */
function describeState(data, state) {
  const F = data.forward.length;
  const B = data.steps.length;
  if (state.phase === "start") {
    return F
      ? "Start: only the leaves (inputs and parameters) exist. Step forward (\u2192) to run the forward pass."
      : "This graph has no ops.";
  }
  const node = data.nodes[state.current];
  const name = nodeTitle(node);
  if (state.phase === "forward") {
    const inputs = (node.inputs || []).map(function (i) { return nodeTitle(data.nodes[i]); }).join(", ");
    const more = state.forwardDone === F && !B ? " The backward pass has not run on this graph." : "";
    return "Forward " + state.forwardDone + "/" + F + ": " + name + " computes " + shapeText(node) +
      " from " + inputs + "." + more;
  }
  const sends = state.step.sends.map(function (s) {
    const to = nodeTitle(data.nodes[s.to]);
    const grad = sendGrad(data, s);
    return grad ? "\u2016g\u2016 " + number(statsOf(grad).norm) + " to " + to : to;
  });
  const filled = data.nodes.filter(function (n) {
    return n.kind !== "op" && n.ready === state.lastStep && n.contributions;
  }).map(function (n) { return n.name + ".grad"; });
  let text = "Backward " + state.backwardDone + "/" + B + " (#" + state.lastStep + "): " + name;
  text += sends.length ? " sends " + sends.join(", ") + "." : " sends nothing (no input requires grad).";
  if (filled.length) text += " Complete now: " + filled.join(", ") + ".";
  if (state.backwardDone === B) text += " The backward pass is done.";
  return text;
}

function nodeTitle(node) {
  return node.kind === "op" && node.name !== node.op ? node.name + " (" + node.op + ")" : node.name;
}

function shapeText(node) {
  return "(" + node.shape.join(", ") + (node.shape.length === 1 ? "," : "") + ") " + node.dtype;
}

/** A number in 4 significant digits, as draw_graph writes them. */
function number(x) {
  const v = Number(x);
  if (x === null || x === undefined) return "?";
  if (v === 0) return "0";
  if (!isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1e5) return String(Number(v.toPrecision(4)));
  return v.toExponential(3);
}

/** The gradient a backward step sent along one arrow (a summary), or null where it was not recorded. */
function sendGrad(data, send) {
  if (send.grad) return send.grad;
  return send.same ? data.nodes[send.to].grad || null : null;
}

/** A summary's statistics: given for a summarised tensor, computed here from the values of a small one. */
function statsOf(summary) {
  if (summary.stats) return summary.stats;
  const all = summary.values.map(Number);
  const finite = all.filter(isFinite);
  const stats = {};
  const nan = all.filter(function (v) { return v !== v; }).length;
  if (nan || finite.length < all.length) {
    stats.nan = nan;
    stats.inf = all.length - finite.length - nan;
  }
  if (!finite.length) return stats;
  const mean = finite.reduce(function (a, v) { return a + v; }, 0) / finite.length;
  const squares = finite.reduce(function (a, v) { return a + v * v; }, 0);
  const spread = finite.reduce(function (a, v) { return a + (v - mean) * (v - mean); }, 0);
  stats.min = Math.min.apply(null, finite);
  stats.max = Math.max.apply(null, finite);
  stats.mean = mean;
  stats.std = Math.sqrt(spread / finite.length);
  stats.norm = Math.sqrt(squares);
  return stats;
}

/** The elementwise sum of summaries that all carry their values, else null. */
function sumValues(summaries) {
  if (!summaries.length || !summaries.every(function (s) { return s && s.values; })) return null;
  const total = summaries[0].values.map(Number);
  summaries.slice(1).forEach(function (s) {
    if (s.values.length !== total.length) return;
    s.values.forEach(function (v, i) { total[i] += Number(v); });
  });
  return total;
}

if (typeof module !== "undefined" && module.exports) {
  module.exports = {
    prepare: prepare, mapBoxes: mapBoxes, timelineLength: timelineLength, stateAt: stateAt, classesAt: classesAt, describeState: describeState,
    computed: computed, gradReady: gradReady, arrived: arrived, sumValues: sumValues, number: number,
    sendGrad: sendGrad, statsOf: statsOf,
  };
}

/* ------------------------------------------------------------------------------------- the page */

if (typeof document !== "undefined") {
  (function () {
    const source = document.getElementById("tg-data");
    const begin = function (text) { page(prepare(JSON.parse(text))); };
    if (source.getAttribute("data-packed") === "gzip") unpack(source.textContent).then(begin);
    else begin(source.textContent);
  })();
}

/** The text that ``text`` (base64 of gzip, as a big page carries its data and views) packs. */
function unpack(text) {
  const binary = atob(text.trim());
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).text();
}

/** The page: the picture, the controls and the panel, for ``data`` (prepared). */
function page(data) {
  {
    const graph = document.getElementById("tg-graph");
    let svg = graph.querySelector("svg");
    const panel = document.getElementById("tg-panel");
    const status = document.getElementById("tg-status");
    const slider = document.getElementById("tg-slider");
    const playButton = document.getElementById("tg-play");
    const ui = {
      position: 0, playing: null, pinned: null, hovered: null, colour: Boolean(data.colour), zoom: null,
      matches: [], match: -1, applied: { boxes: {}, edges: {} },
    };
    // ------------------------------------------------------------------ the pictures (views)
    // A graph laid out whole has one picture. A big one has views (explorer_views.py): the whole graph
    // collapsed, each box of which opens a picture of its own; the page shows one at a time. The views
    // other than the first come packed (base64 of gzip) in #tg-views and are unpacked when first opened.
    const views = data.views || [{ label: data.title, parent: null }];
    views[0].svg = null; // the first view's picture is the page's own
    ["boxes", "edges", "frames", "folded", "opens"].forEach(function (key) { views[0][key] = data[key]; });
    let packedViews = null; // a promise of the views' pictures and data, once asked for
    let elements = { boxes: {}, edges: {} };
    let frames = [];
    let folded = {}; // frame position -> true while folded
    let frameOf = {}; // node id -> the positions of the frames it is drawn in, outer first
    let folds = { covers: [], toggles: [] };
    let layer = null;

    /** Show view ``v``: put its picture in the page, find its parts the first time, and keep those of the
     *  view it replaces (its folded frames stay as they were). */
    function attach(v) {
      if (ui.view !== undefined) {
        views[ui.view].state = {
          elements: elements, frames: frames, folded: folded, frameOf: frameOf, folds: folds, layer: layer,
          applied: ui.applied,
        };
      }
      const view = views[v];
      ui.view = v;
      ["boxes", "edges", "frames", "folded"].forEach(function (key) {
        data[key] = view[key] || (key === "boxes" ? {} : []);
      });
      mapBoxes(data);
      if (!view.element) view.element = view.svg === null ? svg : parseSvg(view.svg);
      if (view.element !== svg) {
        svg.replaceWith(view.element);
        svg = view.element;
      }
      if (view.state) {
        elements = view.state.elements;
        frames = view.state.frames;
        folded = view.state.folded;
        frameOf = view.state.frameOf;
        folds = view.state.folds;
        layer = view.state.layer;
        ui.applied = view.state.applied;
      } else {
        elements = { boxes: {}, edges: {} };
        ui.applied = { boxes: {}, edges: {} };
        findParts(view.opens || {});
        foldingFrames();
      }
      ui.hovered = null;
      ui.pinned = null;
      refreshFolds();
      graph.setAttribute("data-view", String(v));
      breadcrumbs(v);
      if (ui.zoom !== null) zoom(1);
    }

    function parseSvg(text) {
      const holder = document.createElement("div");
      holder.innerHTML = text; // the HTML parser puts the picture in the SVG namespace, as the page's own
      return holder.querySelector("svg");
    }

    /** Open view ``v`` (unpacking the views the first time). */
    function openView(v) {
      if (v === ui.view) return Promise.resolve();
      if (!packedViews) {
        packedViews = unpack(document.getElementById("tg-views").textContent).then(function (text) {
          JSON.parse(text).forEach(function (part, k) { Object.assign(views[k + 1], part); });
        });
      }
      return packedViews.then(function () {
        attach(v);
        show(ui.position);
      });
    }

    /** The path from the whole graph to the view shown, each step a link back. */
    function breadcrumbs(v) {
      let nav = document.getElementById("tg-path");
      if (views.length < 2) return;
      if (!nav) {
        nav = document.createElement("nav");
        nav.id = "tg-path";
        nav.className = "tg-path";
        status.insertAdjacentElement("afterend", nav);
      }
      nav.textContent = "";
      const path = [];
      for (let k = v; k !== null && k !== undefined; k = views[k].parent) path.unshift(k);
      path.forEach(function (k, position) {
        if (position) nav.appendChild(document.createTextNode(" \u203A "));
        const link = el(k === v ? "strong" : "button", null, views[k].label);
        if (k !== v) {
          link.type = "button";
          link.setAttribute("data-view", String(k));
          link.addEventListener("click", function () { openView(k); });
        }
        nav.appendChild(link);
      });
      if (v === 0) nav.appendChild(el("span", "tg-muted", "  (click a module's box to open it)"));
    }

    // ------------------------------------------------------------------ finding the SVG's parts
    function findParts(opens) {
      Object.keys(data.boxes).forEach(function (id) {
        const element = document.getElementById(id);
        if (!element) return;
        elements.boxes[id] = element;
        element.classList.add("tg-box");
        element.querySelectorAll("text").forEach(function (text) {
          if ((text.getAttribute("fill") || "").toLowerCase() === data.gradColor) text.classList.add("tg-grad-text");
        });
        const background = element.querySelector("polygon, rect"); // a big graph's views draw rectangles
        if (background) background.classList.add("tg-background");
        element.addEventListener("mouseenter", function () { hover({ box: id }); });
        element.addEventListener("mouseleave", function () { hover(null); });
        element.addEventListener("click", function (event) {
          event.stopPropagation();
          if (opens[id] !== undefined) openView(opens[id]);
          else pin({ box: id });
        });
        if (opens[id] !== undefined) element.classList.add("tg-opens");
      });
      data.edges.forEach(function (edge, index) {
        const parts = edge.svg.map(function (id) { return document.getElementById(id); }).filter(Boolean);
        elements.edges[edge.svg[0]] = parts;
        parts.forEach(function (part) {
          part.classList.add("tg-edge");
          part.addEventListener("mouseenter", function () { hover({ edge: index }); });
          part.addEventListener("mouseleave", function () { hover(null); });
          part.addEventListener("click", function (event) {
            event.stopPropagation();
            pin({ edge: index });
          });
        });
      });
      if (svg) {
        svg.classList.add(data.backward ? "tg-backward-picture" : "tg-forward-picture");
        svg.addEventListener("click", function () { pin(null); });
      }
    }

    // ------------------------------------------------------------------ module frames that fold
    // The picture is Graphviz's layout of every op; a folded frame is covered, where it is, by one box
    // drawn over the frame's own rectangle (the boxes and arrows inside it are hidden; arrows that cross
    // its border stay and end at the box). Nothing moves, so no second layout is needed.
    function foldingFrames() {
      frames = data.frames || [];
      folded = {};
      (data.folded || []).forEach(function (f) { folded[f] = true; });
      frameOf = {};
      frames.forEach(function (frame, f) {
        frame.members.forEach(function (i) { (frameOf[i] = frameOf[i] || []).push(f); });
      });
      folds = { covers: [], toggles: [] };
      layer = svg ? svg.querySelector("g.graph") || svg : null;
      frames.forEach(coverFrame);
    }

    /** The outermost folded frame that hides node ``i``, or -1. */
    function foldOf(i) {
      const list = frameOf[i] || [];
      for (let k = 0; k < list.length; k++) if (folded[list[k]]) return list[k];
      return -1;
    }

    /** The SVG element that shows node ``i`` now: its box, or the folded frame that covers it. */
    function shownId(i) {
      const f = foldOf(i);
      return f >= 0 ? "tg-fold-" + f : data.nodes[i].box || ""; // "": not in the view shown
    }

    function svgElement(tag, attributes, text) {
      const element = document.createElementNS(svg.namespaceURI, tag);
      Object.keys(attributes).forEach(function (key) { element.setAttribute(key, String(attributes[key])); });
      if (text !== undefined) element.textContent = text;
      return element;
    }

    /** The box that covers frame ``f`` while it is folded, and its "fold" link while it is open. */
    function coverFrame(frame, f) {
      const cluster = document.getElementById(frame.svg);
      const outline = cluster && cluster.querySelector("polygon, path, rect");
      if (!outline || !layer) return;
      const r = outline.getBBox();
      const ops = frame.members.filter(function (i) { return data.nodes[i].kind === "op"; }).length;
      const cover = svgElement("g", { id: "tg-fold-" + f, class: "tg-fold", "data-frame": f });
      cover.appendChild(svgElement("rect", { x: r.x, y: r.y, width: r.width, height: r.height, rx: 6 }));
      cover.appendChild(svgElement("text", { x: r.x + 8, y: r.y + 15, class: "tg-fold-label" }, "\u229E " + frame.label));
      cover.appendChild(svgElement("text", { x: r.x + 8, y: r.y + 29, class: "tg-fold-count" },
        plural(ops, "op") + ", " + plural(frame.members.length - ops, "leaf", "leaves") + " (folded: click to open)"));
      cover.addEventListener("click", function (event) {
        event.stopPropagation();
        setFolded(f, false);
      });
      cover.addEventListener("mouseenter", function () { hover({ frame: f }); });
      cover.addEventListener("mouseleave", function () { hover(null); });
      const toggle = svgElement("text", {
        id: "tg-fold-toggle-" + f, class: "tg-fold-toggle", x: r.x + r.width - 5, y: r.y + 13, "text-anchor": "end",
      }, "\u229F fold");
      toggle.addEventListener("click", function (event) {
        event.stopPropagation();
        setFolded(f, true);
      });
      layer.appendChild(cover);
      layer.appendChild(toggle);
      folds.covers[f] = cover;
      folds.toggles[f] = toggle;
    }

    function plural(n, one, many) {
      return n + " " + (n === 1 ? one : many || one + "s");
    }

    function setFolded(f, on) {
      if (on) folded[f] = true;
      else delete folded[f];
      if (!on && ui.hovered && ui.hovered.frame === f) ui.hovered = null;
      refreshFolds();
      show(ui.position);
    }

    /** Show each frame folded or open, and hide the boxes and arrows inside the folded ones. */
    function refreshFolds() {
      frames.forEach(function (frame, f) {
        let hidden = false; // inside a folded frame
        for (let p = frame.parent; p !== null && p !== undefined; p = frames[p].parent) if (folded[p]) hidden = true;
        if (folds.covers[f]) folds.covers[f].style.display = folded[f] && !hidden ? "" : "none";
        if (folds.toggles[f]) folds.toggles[f].style.display = !folded[f] && !hidden ? "" : "none";
      });
      Object.keys(elements.boxes).forEach(function (id) {
        const away = data.boxes[id].members.every(function (i) { return foldOf(i) >= 0; });
        elements.boxes[id].classList.toggle("tg-folded-away", away);
      });
      data.edges.forEach(function (edge) {
        const away = edge.pairs.every(function (pair) {
          const f = foldOf(pair[0]);
          return f >= 0 && f === foldOf(data.nodes[pair[0]].inputs[pair[1]]);
        });
        (elements.edges[edge.svg[0]] || []).forEach(function (part) { part.classList.toggle("tg-folded-away", away); });
      });
      graph.setAttribute("data-folded", Object.keys(folded).map(Number).sort(function (a, b) { return a - b; }).join(" "));
    }

    /** The classes of the folded frames' boxes at a state: the current op's, the receivers'. */
    function foldClasses(state) {
      const receivers = {};
      if (state.phase === "backward") {
        state.step.sends.forEach(function (s) { receivers[foldOf(s.to)] = true; });
      }
      folds.covers.forEach(function (cover, f) {
        if (!cover) return;
        const members = frames[f].members;
        const future = members.every(function (i) { return !computed(data.nodes[i], state); });
        const current = state.current !== null && foldOf(state.current) === f;
        cover.classList.toggle("tg-current", current);
        cover.classList.toggle("tg-receiving", !!receivers[f] && !current); // sends inside itself: current
        cover.classList.toggle("tg-future", future);
      });
    }

    // ------------------------------------------------------------------ the state on the picture
    function show(position) {
      ui.position = Math.max(0, Math.min(position, timelineLength(data) - 1));
      slider.value = String(ui.position);
      const state = stateAt(data, ui.position);
      const classes = classesAt(data, state);
      ["start", "forward", "backward"].forEach(function (phase) {
        graph.classList.toggle("tg-phase-" + phase, phase === state.phase);
      });
      apply(classes.boxes, elements.boxes, "boxes", function (element) { return [element]; });
      apply(classes.edges, elements.edges, "edges", function (parts) { return parts; });
      foldClasses(state);
      badges(state);
      colour(state);
      // hooks for tests and tools (the page shows the same through its classes): where the pass is
      graph.setAttribute("data-position", String(ui.position));
      graph.setAttribute("data-phase", state.phase);
      graph.setAttribute("data-step", state.phase === "backward" ? String(state.lastStep) : "");
      graph.setAttribute("data-current-node", state.current === null ? "" : String(state.current));
      graph.setAttribute("data-current-box", state.current === null ? "" : shownId(state.current));
      let text = describeState(data, state);
      if (data.note) text += "  \u2014 Note: " + data.note;
      status.textContent = text;
      const shown = state.current === null ? null : document.getElementById(shownId(state.current));
      if (shown && ui.playing) scrollTo(shown);
      renderPanel();
    }

    /** Set each element's classes, touching only those whose classes changed since last time. */
    function apply(classes, found, kind, partsOf) {
      Object.keys(classes).forEach(function (id) {
        const key = classes[id].join(" ");
        if (ui.applied[kind][id] === key || !found[id]) return;
        const previous = ui.applied[kind][id] ? ui.applied[kind][id].split(" ") : [];
        partsOf(found[id]).forEach(function (element) {
          previous.forEach(function (name) { element.classList.remove(name); });
          classes[id].forEach(function (name) { element.classList.add(name); });
        });
        ui.applied[kind][id] = key;
      });
    }

    /** A "k/n" badge on a box whose tensor receives several contributions, while they arrive. */
    function badges(state) {
      data.nodes.forEach(function (node) {
        const total = (node.contributions || []).length;
        if (total < 2 || !elements.boxes[node.box] || data.boxes[node.box].members.length > 1) return;
        const element = elements.boxes[node.box];
        let badge = element.querySelector(".tg-badge");
        if (!badge) {
          badge = document.createElementNS(element.namespaceURI, "text"); // the SVG namespace, named by no URL here
          badge.setAttribute("class", "tg-badge");
          const box = element.getBBox();
          badge.setAttribute("x", String(box.x + box.width - 2));
          badge.setAttribute("y", String(box.y - 3));
          badge.setAttribute("text-anchor", "end");
          element.appendChild(badge);
        }
        const count = arrived(node, state).length;
        badge.textContent = count ? "\u03a3 " + count + "/" + total + " contributions" : "";
      });
    }

    // ------------------------------------------------------------------ colour by gradient norm
    const norms = Object.keys(data.boxes).map(function (id) { return Number(data.boxes[id].norm); })
      .filter(function (v) { return v > 0 && isFinite(v); });
    const low = Math.min.apply(null, norms.concat([Infinity]));
    const high = Math.max.apply(null, norms.concat([-Infinity]));

    /** The colour of a gradient norm on a log scale from ``from`` (blue) to ``to`` (red): this picture's
     *  smallest and largest norms unless given. */
    function normColour(value, from, to) {
      const palette = data.palette;
      const lo = from === undefined ? low : from;
      const hi = to === undefined ? high : to;
      if (!(hi > lo)) return palette[Math.floor(palette.length / 2)];
      const position = (Math.log10(value) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
      return palette[Math.min(palette.length - 1, Math.max(0, Math.floor(position * palette.length)))];
    }

    function colour(state) {
      Object.keys(elements.boxes).forEach(function (id) {
        const box = data.boxes[id];
        const background = elements.boxes[id].querySelector(".tg-background");
        if (!background) return;
        const ready = box.ready !== null && state.backwardDone > 0 && box.ready <= state.lastStep;
        const value = Number(box.norm);
        background.style.fill = ui.colour && ready && value > 0 && isFinite(value) ? normColour(value) : "";
      });
      const legend = document.getElementById("tg-legend");
      if (legend) legend.hidden = !ui.colour;
      trainingColours();
    }

    // ------------------------------------------------------------------ gradient norms over training
    // A page from tg.viz.record_steps carries each parameter's gradient norm at every recorded step
    // (data.training): a slider picks a step, which colours each parameter's box by its norm then (one log
    // scale over all steps), and a chart draws every parameter's norm over training with the step marked.
    const training = data.training || null;
    const lines = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"];
    const trainRange = (function () {
      const all = [];
      (training ? training.params : []).forEach(function (p) {
        p.norms.forEach(function (v) { if (v > 0 && isFinite(v)) all.push(Math.log10(v)); });
      });
      return all.length ? [Math.pow(10, Math.min.apply(null, all)), Math.pow(10, Math.max.apply(null, all))] : [1, 1];
    })();
    ui.trainStep = training ? training.steps.length - 1 : null;
    ui.trainParam = null; // the parameter whose line the chart draws bold (hovered)

    function trainingBar() {
      if (!training || !training.steps.length) return;
      const bar = el("div", "tg-training");
      bar.id = "tg-training";
      const label = el("label", null, "training step ");
      const slider = document.createElement("input");
      slider.type = "range";
      slider.id = "tg-train-slider";
      slider.min = "0";
      slider.max = String(training.steps.length - 1);
      slider.value = String(ui.trainStep);
      slider.setAttribute("aria-label", "training step");
      slider.addEventListener("input", function () {
        ui.trainStep = Number(slider.value);
        showTraining();
      });
      label.appendChild(slider);
      bar.appendChild(label);
      const text = el("span", "tg-train-text");
      text.id = "tg-train-text";
      bar.appendChild(text);
      const canvas = document.createElement("canvas");
      canvas.id = "tg-train-chart";
      canvas.width = 560;
      canvas.height = 110;
      bar.appendChild(canvas);
      const names = el("div", "tg-train-names");
      training.params.forEach(function (p, k) {
        const name = el("span", "tg-train-name", p.name);
        name.style.borderLeftColor = lines[k % lines.length];
        name.addEventListener("mouseenter", function () { ui.trainParam = k; drawChart(); });
        name.addEventListener("mouseleave", function () { ui.trainParam = null; drawChart(); });
        names.appendChild(name);
      });
      bar.appendChild(names);
      status.insertAdjacentElement("afterend", bar);
    }

    function showTraining() {
      if (!training || !training.steps.length) return;
      const k = ui.trainStep;
      document.getElementById("tg-train-text").textContent = "step " + training.steps[k] + " (" + (k + 1) +
        " of " + training.steps.length + " recorded) \u00b7 loss " + number(training.loss[k]) +
        " \u00b7 each parameter coloured by its \u2016g\u2016 then (log scale " + number(trainRange[0]) + " to " +
        number(trainRange[1]) + ")";
      graph.setAttribute("data-training-step", String(k));
      trainingColours();
      drawChart();
      renderPanel();
    }

    /** Each followed parameter's box (where the picture draws it alone) coloured by its norm at the step. */
    function trainingColours() {
      if (!training || ui.trainStep === null) return;
      training.params.forEach(function (p) {
        if (p.node === null || p.node === undefined) return;
        data.nodes[p.node].boxes.forEach(function (id) {
          const element = elements.boxes[id];
          const background = element && data.boxes[id].members.length === 1 && element.querySelector(".tg-background");
          if (!background) return;
          const value = p.norms[ui.trainStep];
          background.style.fill = value > 0 && isFinite(value) ? normColour(value, trainRange[0], trainRange[1]) : "";
        });
      });
    }

    function drawChart() {
      const canvas = document.getElementById("tg-train-chart");
      const context = canvas && canvas.getContext && canvas.getContext("2d");
      if (!context) return;
      const n = training.steps.length;
      const lo = Math.log10(trainRange[0]);
      const hi = Math.log10(trainRange[1]);
      const x = function (k) { return 30 + (n > 1 ? k / (n - 1) : 0.5) * (canvas.width - 40); };
      const y = function (v) { return hi > lo ? 8 + (hi - Math.log10(v)) / (hi - lo) * (canvas.height - 24) : canvas.height / 2; };
      context.clearRect(0, 0, canvas.width, canvas.height);
      context.fillStyle = "#555";
      context.font = "10px Helvetica, Arial, sans-serif";
      context.fillText(number(trainRange[1]), 0, 12);
      context.fillText(number(trainRange[0]), 0, canvas.height - 14);
      context.fillText("\u2016g\u2016 per parameter (log) over the recorded steps", 34, canvas.height - 2);
      training.params.forEach(function (p, k) {
        context.strokeStyle = lines[k % lines.length];
        context.lineWidth = ui.trainParam === k ? 3 : 1.2;
        context.beginPath();
        let drawing = false;
        p.norms.forEach(function (v, step) {
          if (!(v > 0 && isFinite(v))) { drawing = false; return; }
          if (drawing) context.lineTo(x(step), y(v));
          else context.moveTo(x(step), y(v));
          drawing = true;
        });
        context.stroke();
      });
      context.strokeStyle = "#b2182b";
      context.lineWidth = 1;
      context.beginPath();
      context.moveTo(x(ui.trainStep), 4);
      context.lineTo(x(ui.trainStep), canvas.height - 14);
      context.stroke();
    }

    /** The panel's part on a followed parameter: its norm at the chosen step and over training. */
    function trainingView(node) {
      if (!training) return;
      const k = training.params.findIndex(function (p) { return p.node === node.id; });
      if (k < 0 || ui.trainStep === null) return;
      const p = training.params[k];
      const finite = p.norms.filter(function (v) { return v > 0 && isFinite(v); });
      panel.appendChild(el("h3", null, "over training"));
      const section = el("div", "tg-summary");
      section.setAttribute("data-role", "training");
      section.appendChild(el("p", null, "\u2016g\u2016 at step " + training.steps[ui.trainStep] + ": " +
        number(p.norms[ui.trainStep])));
      if (finite.length) {
        section.appendChild(el("p", "tg-muted", "from " + number(Math.min.apply(null, finite)) + " to " +
          number(Math.max.apply(null, finite)) + " over " + training.steps.length + " steps (its line in the chart is bold)"));
      }
      panel.appendChild(section);
      if (ui.trainParam !== k) {
        ui.trainParam = k;
        drawChart();
      }
    }

    function legend() {
      const element = document.createElement("span");
      element.id = "tg-legend";
      element.className = "tg-legend";
      element.hidden = true;
      if (!norms.length) {
        element.textContent = "no gradients to colour by";
        return element;
      }
      element.appendChild(document.createTextNode(number(low) + " "));
      data.palette.forEach(function (c) {
        const swatch = document.createElement("span");
        swatch.className = "tg-swatch";
        swatch.style.background = c;
        element.appendChild(swatch);
      });
      element.appendChild(document.createTextNode(" " + number(high) + " \u2016g\u2016 (log)"));
      return element;
    }

    // ------------------------------------------------------------------ the side panel
    function hover(target) {
      ui.hovered = target;
      renderPanel();
    }

    function pin(target) {
      ui.pinned = target;
      Object.keys(elements.boxes).forEach(function (id) {
        elements.boxes[id].classList.toggle("tg-pinned", !!(target && target.box === id));
      });
      renderPanel();
    }

    function renderPanel() {
      const target = ui.hovered || ui.pinned || followed();
      panel.textContent = "";
      panel.setAttribute("data-node", target && target.node !== undefined ? String(target.node) :
        target && target.box !== undefined && data.boxes[target.box].members.length === 1 ?
          String(data.boxes[target.box].members[0]) : "");
      if (!target) {
        panel.appendChild(el("p", "tg-hint", "Hover a box to see its values and gradient; click it to keep it here."));
        return;
      }
      const state = stateAt(data, ui.position);
      if (target.edge !== undefined) return edgePanel(data.edges[target.edge], state);
      if (target.node !== undefined) return nodePanel(data.nodes[target.node], state);
      if (target.frame !== undefined) return groupPanel(frames[target.frame], state, frames[target.frame].label);
      const box = data.boxes[target.box];
      if (box.members.length === 1) return nodePanel(data.nodes[box.members[0]], state);
      return groupPanel(box, state);
    }

    /** Without a hovered or pinned box the panel follows the node that just ran. */
    function followed() {
      const state = stateAt(data, ui.position);
      return state.current === null ? null : { node: state.current };
    }

    function nodePanel(node, state) {
      panel.appendChild(el("h2", null, node.name));
      const kind = node.kind === "op" ? "op " + node.op : node.kind;
      panel.appendChild(el("p", "tg-kind", kind + (node.module ? " \u00b7 in " + node.module : "")));
      if (node.attrs) panel.appendChild(el("p", "tg-attrs", node.attrs.join(", ")));
      if (node.kind === "op") {
        panel.appendChild(el("p", "tg-where", node.where ? "made at " + node.where :
          "where it was made: not recorded (build the graph inside `with tg.viz.record_locations():` to record it)"));
      }
      const when = [];
      if (node.forward !== undefined) when.push("forward step " + (node.forward + 1) + " of " + data.forward.length);
      if (node.step !== undefined) when.push("backward step #" + node.step);
      if (when.length) panel.appendChild(el("p", "tg-when", when.join(" \u00b7 ")));

      panel.appendChild(el("h3", null, "value"));
      if (computed(node, state)) summaryView(node.value, node, "value");
      else panel.appendChild(el("p", "tg-muted", "not computed yet at this point of the forward pass"));

      panel.appendChild(el("h3", "tg-grad-title", node.kind === "op" ? "gradient" : node.name + ".grad"));
      const got = arrived(node, state);
      const contributions = node.contributions || [];
      if (!node.grad && !contributions.length) {
        panel.appendChild(el("p", "tg-muted", !data.backward ? "the backward pass has not run" :
          node.kind === "parameter" ? "not recorded: run the backward pass inside `with tg.viz.record_backward():`" :
          "none: this tensor does not require grad"));
      } else if (node.grad && !contributions.length && node.kind !== "op") {
        panel.appendChild(el("p", "tg-muted", "this .grad was there before: this graph's backward pass " +
          (data.backward ? "sent nothing to it" : "has not run")));
        summaryView(node.grad, node, "grad");
      } else if (gradReady(node, state) && node.grad) {
        summaryView(node.grad, node, "grad");
      } else if (gradReady(node, state)) {
        panel.appendChild(el("p", "tg-muted", "complete, but not recorded: run the backward pass inside `with tg.viz.record_backward():`"));
      } else {
        const total = contributions.length;
        panel.appendChild(el("p", "tg-muted", total ? "not complete yet: " + got.length + " of " + total +
          " contributions arrived" : "not complete yet"));
      }
      if (contributions.length > 1 || (node.kind !== "op" && contributions.length)) {
        contributionsView(node, got, contributions.length);
      }
      if (node.note) panel.appendChild(el("p", "tg-note", node.note));
      trainingView(node);
    }

    function contributionsView(node, got, total) {
      panel.appendChild(el("h3", null, "contributions (" + got.length + " of " + total + " arrived)"));
      const sent = got.map(function (c) { return sendOf(c); });
      const table = el("table", "tg-contributions");
      got.forEach(function (c, i) {
        const row = table.insertRow();
        row.appendChild(el("td", null, "#" + c[0]));
        row.appendChild(el("td", null, "from " + nodeTitle(data.nodes[c[1]]) + " (input " + c[2] + ")"));
        row.appendChild(el("td", null, sent[i] ? "\u2016g\u2016 " + number(statsOf(sent[i]).norm) : "not recorded"));
        row.appendChild(el("td", "tg-numbers", sent[i] && sent[i].values ? sent[i].values.map(number).join(" ") : ""));
      });
      const sum = sumValues(sent);
      if (sum && got.length > 1) {
        const row = table.insertRow();
        row.className = "tg-sum";
        row.appendChild(el("td", null, "\u03a3"));
        row.appendChild(el("td", null, "sum"));
        row.appendChild(el("td", null, "\u2016g\u2016 " + number(statsOf({ values: sum }).norm)));
        row.appendChild(el("td", "tg-numbers", sum.map(number).join(" ")));
      }
      panel.appendChild(table);
      if (got.length === total && got.length > 1) {
        panel.appendChild(el("p", "tg-muted", "the gradient is the sum of these contributions"));
      }
    }

    function sendOf(contribution) {
      const step = data.steps.find(function (s) { return s.step === contribution[0]; });
      const send = step && step.sends.find(function (s) { return s.input === contribution[2]; });
      return send ? sendGrad(data, send) : null;
    }

    /** A box that stands for several tensors: a merged box of a collapsed picture, or a folded frame
     *  (``label``: the module's name). */
    function groupPanel(box, state, label) {
      const ops = box.members.filter(function (i) { return data.nodes[i].kind === "op"; });
      if (label) panel.appendChild(el("h2", null, label));
      panel.appendChild(el(label ? "p" : "h2", null, ops.length + " ops, " + (box.members.length - ops.length) + " leaves"));
      const opens = !label && views[ui.view].opens && views[ui.view].opens[box.svg] !== undefined;
      panel.appendChild(el("p", "tg-muted", label ? "A folded module frame: click it to open it. Pick one:" :
        opens ? "Click the box to open it: a picture of its own ops. Or pick one:" :
        "This box stands for several tensors (the graph is bigger than " +
        "max_nodes; explore(..., max_nodes=None) draws every op). Pick one:"));
      const list = el("ol", "tg-members");
      box.members.slice(0, 500).forEach(function (i) {
        const node = data.nodes[i];
        const item = el("li");
        const button = el("button", null, nodeTitle(node) + " " + shapeText(node));
        button.type = "button";
        if (i === state.current) button.className = "tg-current-member";
        button.addEventListener("click", function () { pin({ node: i }); });
        item.appendChild(button);
        list.appendChild(item);
      });
      panel.appendChild(list);
      if (box.members.length > 500) panel.appendChild(el("p", "tg-muted", "+" + (box.members.length - 500) + " more"));
    }

    function edgePanel(edge, state) {
      panel.appendChild(el("h2", null, "arrow"));
      edge.pairs.slice(0, 20).forEach(function (pair) {
        const node = data.nodes[pair[0]];
        const input = data.nodes[node.inputs[pair[1]]];
        panel.appendChild(el("p", null, nodeTitle(input) + " \u2192 " + nodeTitle(node) + " (input " + pair[1] + ")"));
        const step = data.steps.find(function (s) { return s.node === pair[0]; });
        const send = step && step.sends.find(function (s) { return s.input === pair[1]; });
        if (!send) return;
        const sentNow = state.backwardDone > 0 && step.step <= state.lastStep;
        panel.appendChild(el("h3", null, "gradient sent at step #" + step.step));
        if (!sentNow) panel.appendChild(el("p", "tg-muted", "not sent yet"));
        else if (sendGrad(data, send)) summaryView(sendGrad(data, send), input, "sent");
        else panel.appendChild(el("p", "tg-muted", "not recorded"));
      });
    }

    let out = panel; // where summaryView and its parts write

    /** A value or gradient: shape, statistics, then its numbers, heatmap or histogram, in one element
     *  (``out``, marked with its ``role``). ``owner`` is the tensor it belongs to, whose shape and dtype it
     *  has unless it says otherwise. */
    function summaryView(summary, owner, role) {
      out = el("div", "tg-summary");
      out.setAttribute("data-role", role); // "value", "grad" or "sent": what the tests read
      panel.appendChild(out);
      const dims = summary.shape || owner.shape;
      const shape = "(" + dims.join(", ") + (dims.length === 1 ? "," : "") + ") " + (summary.dtype || owner.dtype);
      out.appendChild(el("p", "tg-shape", shape));
      const stats = statsOf(summary);
      const table = el("table", "tg-stats");
      ["min", "max", "mean", "std", "norm", "nan", "inf"].forEach(function (key) {
        if (stats[key] === undefined) return;
        const row = table.insertRow();
        row.appendChild(el("th", null, key));
        row.appendChild(el("td", null, number(stats[key])));
      });
      out.appendChild(table);
      if (summary.values) {
        valuesView(summary.values, dims);
        if (dims.length === 2 && summary.values.length > 1) heatmap(summary.values, dims);
      } else {
        const count = dims.reduce(function (a, b) { return a * b; }, 1);
        out.appendChild(el("p", "tg-summarised", "summarised: " + count + " elements, more than the " +
          data.limits.values + " whose values the page keeps"));
        if (summary.matrix) heatmap(summary.matrix.values, summary.matrix.shape, dims);
        if (summary.hist) histogram(summary.hist);
      }
    }

    function valuesView(values, shape) {
      if (shape.length === 2) {
        const table = el("table", "tg-values");
        for (let r = 0; r < shape[0]; r++) {
          const row = table.insertRow();
          for (let c = 0; c < shape[1]; c++) row.appendChild(el("td", null, number(values[r * shape[1] + c])));
        }
        out.appendChild(table);
      } else {
        out.appendChild(el("p", "tg-numbers", values.map(number).join("  ")));
      }
    }

    /** A 2-D array as coloured cells: blue below zero, red above, white at zero (grey: not finite). */
    function heatmap(values, shape, original) {
      const rows = shape[0];
      const cols = shape[1];
      const cell = Math.max(2, Math.min(24, Math.floor(240 / Math.max(rows, cols))));
      const canvas = document.createElement("canvas");
      canvas.width = cols * cell;
      canvas.height = rows * cell;
      canvas.className = "tg-heatmap";
      const numbers = values.map(Number);
      const scale = Math.max.apply(null, numbers.filter(isFinite).map(Math.abs).concat([1e-30]));
      const context = canvas.getContext && canvas.getContext("2d");
      if (context) {
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < cols; c++) {
            const v = numbers[r * cols + c];
            context.fillStyle = isFinite(v) ? diverging(v / scale) : "#999";
            context.fillRect(c * cell, r * cell, cell, cell);
          }
        }
      }
      const caption = original ? "heatmap of block means (" + rows + " x " + cols + " cells of " +
        original[0] + " x " + original[1] + ")" : "heatmap";
      out.appendChild(el("p", "tg-caption", caption + ", scale \u00b1" + number(scale)));
      out.appendChild(canvas);
    }

    function diverging(t) {
      const a = Math.min(1, Math.abs(t));
      const far = t < 0 ? [33, 102, 172] : [178, 24, 43];
      const mix = far.map(function (v) { return Math.round(255 + (v - 255) * a); });
      return "rgb(" + mix.join(",") + ")";
    }

    function histogram(hist) {
      const canvas = document.createElement("canvas");
      canvas.width = 240;
      canvas.height = 80;
      canvas.className = "tg-histogram";
      const context = canvas.getContext && canvas.getContext("2d");
      const most = Math.max.apply(null, hist.counts.concat([1]));
      const width = canvas.width / hist.counts.length;
      if (context) {
        context.fillStyle = "#4575b4";
        hist.counts.forEach(function (count, i) {
          const height = (count / most) * (canvas.height - 2);
          context.fillRect(i * width + 1, canvas.height - height, width - 2, height);
        });
      }
      out.appendChild(el("p", "tg-caption", "histogram, " + hist.counts.length + " bins from " +
        number(hist.lo) + " to " + number(hist.hi)));
      out.appendChild(canvas);
    }

    function el(tag, className, text) {
      const element = document.createElement(tag);
      if (className) element.className = className;
      if (text !== undefined) element.textContent = text;
      return element;
    }

    // ------------------------------------------------------------------ find a node by name
    const find = document.getElementById("tg-find");
    const found = document.getElementById("tg-found");

    function search() {
      const query = find.value.trim().toLowerCase();
      Object.keys(elements.boxes).forEach(function (id) { elements.boxes[id].classList.remove("tg-match"); });
      ui.matches = !query ? [] : data.nodes.filter(function (node) {
        return [node.name, node.op, node.module].some(function (s) { return s && s.toLowerCase().indexOf(query) >= 0; });
      }).map(function (node) { return node.id; });
      ui.match = -1;
      ui.matches.forEach(function (i) {
        data.nodes[i].boxes.forEach(function (id) {
          if (elements.boxes[id]) elements.boxes[id].classList.add("tg-match");
        });
      });
      found.textContent = query ? ui.matches.length + " found" : "";
    }

    function nextMatch() {
      if (!ui.matches.length) return;
      ui.match = (ui.match + 1) % ui.matches.length;
      const node = data.nodes[ui.matches[ui.match]];
      found.textContent = (ui.match + 1) + " of " + ui.matches.length;
      if (foldOf(node.id) >= 0) {
        (frameOf[node.id] || []).forEach(function (f) { delete folded[f]; }); // open the frames around it
        refreshFolds();
        show(ui.position);
      }
      if (elements.boxes[node.box]) scrollTo(elements.boxes[node.box]);
      pin({ node: node.id });
    }

    find.addEventListener("input", search);
    find.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        nextMatch();
      }
    });

    function scrollTo(element) {
      if (element.scrollIntoView) element.scrollIntoView({ block: "nearest", inline: "nearest" });
    }

    // ------------------------------------------------------------------ controls
    function play() {
      if (ui.playing) {
        clearTimeout(ui.playing);
        ui.playing = null;
        playButton.textContent = "\u25B6";
        return;
      }
      if (ui.position >= timelineLength(data) - 1) show(0);
      playButton.textContent = "\u275A\u275A";
      const tick = function () {
        if (ui.position >= timelineLength(data) - 1) {
          ui.playing = null;
          playButton.textContent = "\u25B6";
          return;
        }
        ui.playing = setTimeout(tick, Number(document.getElementById("tg-speed").value));
        show(ui.position + 1);
      };
      ui.playing = setTimeout(tick, 0);
    }

    function stop() {
      if (ui.playing) play();
    }

    function zoom(factor) {
      if (!svg) return;
      const natural = svg.viewBox.baseVal.width * 96 / 72;
      const current = ui.zoom === null ? svg.getBoundingClientRect().width / natural : ui.zoom;
      ui.zoom = factor === null ? null : Math.max(0.1, Math.min(4, current * factor));
      svg.style.width = ui.zoom === null ? "" : Math.round(natural * ui.zoom) + "px";
      svg.style.height = ui.zoom === null ? "" : "auto";
      graph.classList.toggle("tg-zoomed", ui.zoom !== null);
    }

    slider.max = String(timelineLength(data) - 1);
    slider.addEventListener("input", function () { stop(); show(Number(slider.value)); });
    playButton.addEventListener("click", play);
    document.getElementById("tg-back").addEventListener("click", function () { stop(); show(ui.position - 1); });
    document.getElementById("tg-next").addEventListener("click", function () { stop(); show(ui.position + 1); });
    document.getElementById("tg-start").addEventListener("click", function () { stop(); show(0); });
    document.getElementById("tg-end").addEventListener("click", function () { stop(); show(timelineLength(data)); });
    document.getElementById("tg-zoom-in").addEventListener("click", function () { zoom(1.25); });
    document.getElementById("tg-zoom-out").addEventListener("click", function () { zoom(0.8); });
    document.getElementById("tg-zoom-fit").addEventListener("click", function () { zoom(null); });
    const colourBox = document.getElementById("tg-color");
    const colourLabel = colourBox.parentNode; // the legend goes right after the checkbox's label
    colourLabel.parentNode.insertBefore(legend(), colourLabel.nextSibling);
    colourBox.checked = ui.colour;
    colourBox.addEventListener("change", function () {
      ui.colour = colourBox.checked;
      show(ui.position);
    });
    document.addEventListener("keydown", function (event) {
      const tag = event.target && event.target.tagName;
      const type = tag === "INPUT" ? event.target.type : null;
      if (tag === "SELECT" || tag === "TEXTAREA" || (type && type !== "range" && type !== "checkbox")) return;
      if (type === "range" && event.key !== " ") return; // the slider moves itself (its input event shows it)
      const moves = { ArrowRight: 1, ArrowLeft: -1 };
      if (event.key in moves) {
        stop();
        show(ui.position + moves[event.key]);
      } else if (event.key === " ") {
        play();
      } else if (event.key === "Home") {
        stop();
        show(0);
      } else if (event.key === "End") {
        stop();
        show(timelineLength(data));
      } else {
        return;
      }
      event.preventDefault();
    });

    trainingBar();
    attach(0);
    show(0);
    showTraining();
    // ready: tests read when the page became interactive, in the page's own clock (from navigation start)
    document.documentElement.setAttribute("data-tg-ready", String(performance.now()));
  }
}
