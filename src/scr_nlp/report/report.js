"use strict";
// Builds every data-driven part of the page as DOM nodes and text nodes (no markup), draws
// the charts, and turns a click on a bar, a cell or a number into a filtered evidence list.
(() => {
  const DATA = JSON.parse(document.getElementById("report-data").textContent);
  const THEME = Object.fromEntries(DATA.themes.map((t) => [t.id, t]));
  const PAGE = 100;
  const state = { theme: "", also: "", cohort: DATA.fields.map(() => ""), limit: PAGE, open: new Set() };
  const $ = (id) => document.getElementById(id);
  const has = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key);

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "style") Object.assign(node.style, value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined && child !== false) node.append(child);
    }
    return node;
  }

  // The themes a filter asks for, else all: highlighting follows the filter.
  function wanted() {
    return [state.theme, state.also].filter(Boolean);
  }

  function shown(scores) {
    const only = wanted();
    return Object.keys(scores).filter((t) => has(THEME, t) && (!only.length || only.includes(t)));
  }

  function chip(id, score) {
    const label = score === null || score === undefined ? null : el("span", { class: "score" }, ` score ${score.toFixed(2)}`);
    return el("span", { class: "chip", style: { background: THEME[id].colour } }, THEME[id].name, label);
  }

  // One underline per theme, stacked, so a sentence carrying two themes shows both colours.
  function underlines(themes) {
    const bar = (t) => `linear-gradient(${THEME[t].colour}, ${THEME[t].colour})`;
    return {
      backgroundImage: themes.map(bar).join(","),
      backgroundSize: themes.map(() => "100% 3px").join(","),
      backgroundPosition: themes.map((_, i) => `0 calc(100% - ${i * 4}px)`).join(","),
      backgroundRepeat: "no-repeat",
      paddingBottom: `${themes.length * 4}px`,
    };
  }

  function evidenceSentence(s, themes) {
    return el(
      "span",
      { class: "ev", tabindex: "0" },
      el("mark", { class: "evidence", "data-themes": themes.join(" "), style: underlines(themes) }, s.t),
      " ",
      themes.map((t) => chip(t, s.l[t])),
    );
  }

  function documentText(d) {
    const box = el("div", { class: "doctext" });
    let section = null;
    let para = null;
    let paragraph = null;
    for (const s of d.sentences) {
      if (s.s !== section) {
        section = s.s;
        para = null;
        paragraph = null;
        if (section !== "other") box.append(el("h4", { class: "sec" }, section));
      }
      if (!paragraph || s.p !== para) {
        para = s.p;
        paragraph = el("p", {}, para ? el("b", { class: "para" }, para) : null, para ? " " : null);
        box.append(paragraph);
      }
      const themes = shown(s.l);
      paragraph.append(themes.length ? evidenceSentence(s, themes) : s.t, " ");
    }
    return box;
  }

  function evidenceList(d) {
    const only = wanted();
    const best = (s) => Math.max(...only.map((t) => (has(s.l, t) ? s.l[t] ?? 0 : -1)));
    const hits = d.sentences.filter((s) => only.some((t) => has(s.l, t)));
    hits.sort((a, b) => best(b) - best(a));
    const items = hits.slice(0, 3).map((s) => {
      const where = [s.s === "other" ? "" : s.s, s.p].filter(Boolean).join(" ");
      // With one failing asked for, every chip would say the same: show them for two.
      const chips = only.length > 1 ? shown(s.l).map((t) => chip(t)) : [];
      return el("li", {}, el("q", {}, s.t), where ? el("span", { class: "where" }, ` (${where})`) : null, " ", chips);
    });
    if (hits.length > 3) items.push(el("li", { class: "more" }, `and ${hits.length - 3} more in the document`));
    return el("ul", { class: "evidence-list" }, items);
  }

  function evidenceCount(d) {
    const n = d.sentences.filter((s) => shown(s.l).length).length;
    return el("span", { class: "note" }, n === 1 ? "1 sentence" : `${n} sentences`);
  }

  function matches(d) {
    return (
      wanted().every((t) => d.labels.includes(t)) &&
      state.cohort.every((value, i) => !value || d.cohort[i] === value)
    );
  }

  function row(d, i) {
    const id = `doc-${i}`;
    const open = state.open.has(i);
    const toggle = el("button", { type: "button", class: "doc-toggle", "aria-expanded": String(open), "aria-controls": id }, d.id);
    const themes = d.labels.filter((t) => has(THEME, t));
    const main = el(
      "tr",
      { class: "doc" },
      el("th", { scope: "row" }, toggle),
      d.cohort.map((value) => el("td", {}, value)),
      el("td", {}, themes.length ? themes.map((t) => chip(t)) : el("span", { class: "note" }, "none")),
      el("td", {}, wanted().length ? evidenceList(d) : evidenceCount(d)),
    );
    const cell = el("td", { colspan: DATA.fields.length + 3 });
    const text = el("tr", { class: "doc-text", id, hidden: !open }, cell);
    if (open) cell.append(documentText(d));
    const flip = () => {
      const opening = text.hidden;
      if (opening) {
        state.open.add(i);
        cell.replaceChildren(documentText(d));
      } else state.open.delete(i);
      text.hidden = !opening;
      toggle.setAttribute("aria-expanded", String(opening));
    };
    toggle.addEventListener("click", flip);
    main.addEventListener("click", (e) => {
      if (!e.target.closest("button, .ev") && !String(window.getSelection())) flip();
    });
    return [main, text];
  }

  function describe(count) {
    const parts = [`${count} of ${DATA.documents.length} documents`];
    const only = wanted();
    if (only.length) parts.push(`tagged ${only.map((t) => THEME[t].name).join(" and ")}`);
    state.cohort.forEach((value, i) => {
      if (value) parts.push(`${DATA.fields[i].toLowerCase()} ${value}`);
    });
    return parts.join(" · ");
  }

  function render() {
    const matching = [];
    DATA.documents.forEach((d, i) => {
      if (matches(d)) matching.push(i);
    });
    $("doc-rows").replaceChildren(...matching.slice(0, state.limit).flatMap((i) => row(DATA.documents[i], i)));
    $("doc-count").textContent = describe(matching.length);
    const more = $("more");
    more.hidden = matching.length <= state.limit;
    more.textContent = `Show more documents (${Math.max(0, matching.length - state.limit)} not shown)`;
  }

  function syncFilters() {
    $("f-theme").value = state.theme;
    $("f-also").value = state.also;
    state.cohort.forEach((value, i) => {
      $(`f-${i}`).value = value;
    });
  }

  function readFilters() {
    state.theme = $("f-theme").value;
    state.also = $("f-also").value === state.theme ? "" : $("f-also").value;
    state.cohort = DATA.fields.map((_, i) => $(`f-${i}`).value);
    state.limit = PAGE;
    syncFilters();
    render();
  }

  // What a bar, a cell or a number stands for becomes the filter; the list shows its evidence.
  function showEvidence({ theme = "", also = "", field = -1, cohort = "" }) {
    state.theme = theme;
    state.also = also;
    state.cohort = DATA.fields.map((_, i) => (i === field ? cohort : ""));
    state.limit = PAGE;
    syncFilters();
    render();
    const heading = $("documents-h");
    heading.scrollIntoView({ block: "start" });
    heading.focus({ preventScroll: true });
  }

  function fromChart(kind, point) {
    const data = point.customdata;
    if (kind === "cohort") return { theme: data[0], field: data[1], cohort: data[2] };
    if (kind === "together") {
      const [theme, also = ""] = String(data).split(" ");
      return { theme, also };
    }
    return { theme: data[0] };
  }

  for (const spec of DATA.figures) {
    const div = $(spec.id);
    Plotly.newPlot(div, spec.figure.data, spec.figure.layout, { displayModeBar: false, responsive: true });
    div.on("plotly_click", (event) => showEvidence(fromChart(spec.kind, event.points[0])));
  }
  for (const button of document.querySelectorAll("button.num[data-theme]")) {
    button.addEventListener("click", () =>
      showEvidence({
        theme: button.dataset.theme,
        also: button.dataset.also || "",
        field: button.dataset.field === undefined ? -1 : Number(button.dataset.field),
        cohort: button.dataset.cohort || "",
      }),
    );
  }
  for (const select of document.querySelectorAll(".filters select")) select.addEventListener("change", readFilters);
  $("f-clear").addEventListener("click", () => showEvidence({}));
  $("more").addEventListener("click", () => {
    state.limit += PAGE;
    render();
  });
  render();
})();
