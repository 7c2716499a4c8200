/* Veille IA — the edition's order: drag an item by its handle, or Alt+↑ / Alt+↓ on a
   focused item (crossing into the neighbouring section at an edge). Each move is saved
   at once (POST with the CSRF header, JSON back), in the order it was made; the focus
   stays on the moved item and the status line says where it went. Without this
   script, the « Monter » / « Descendre » buttons post the same move. */
(function () {
  "use strict";

  const root = document.querySelector("[data-edition-order]");
  if (!root) {
    return;
  }
  const week = root.dataset.week;
  const status = document.getElementById("order-status");
  const tokenField = document.querySelector("input[name=csrf_token]");
  const token = tokenField ? tokenField.value : "";
  let saving = Promise.resolve();
  let dragged = null;
  let start = null;

  const sections = () => Array.from(root.querySelectorAll("section[data-section]"));
  const itemsOf = (section) =>
    Array.from(section.querySelectorAll(":scope > article[data-item-id]"));

  function say(message) {
    status.textContent = "";
    status.textContent = message;
  }

  function placeOf(item) {
    const section = item.closest("section[data-section]");
    return { section: section, index: itemsOf(section).indexOf(item) };
  }

  /* Put the item at ``index`` among the section's curated items; the items added
     automatically (not movable) stay after them. */
  function insert(item, section, index) {
    const others = itemsOf(section).filter((other) => other !== item);
    const before =
      others[index] || section.querySelector(":scope > article:not([data-item-id])");
    section.insertBefore(item, before || null);
  }

  /* The form fields keep up with the order saved (positions 0, 1… in each section
     touched), so saving a comment afterwards keeps the new place. */
  function refreshFields(touched) {
    touched.forEach((section) => {
      itemsOf(section).forEach((item, position) => {
        const field = item.querySelector("input[name=position]");
        const choice = item.querySelector("select[name=section]");
        if (field) field.value = String(position);
        if (choice) choice.value = section.dataset.section;
      });
    });
  }

  async function post(item, section, index) {
    const body = new URLSearchParams({
      week: week,
      section: section.dataset.section,
      index: String(index),
    });
    const response = await fetch("/edition/items/" + item.dataset.itemId + "/deplacer", {
      method: "POST",
      headers: { "X-CSRF-Token": token, Accept: "application/json" },
      body: body,
      credentials: "same-origin",
    });
    if (!response.ok) {
      throw new Error(String(response.status));
    }
    return response.json();
  }

  function save(item, from, to) {
    refreshFields(new Set([from.section, to.section]));
    saving = saving
      .then(() => post(item, to.section, to.index))
      .then((answer) => say(answer.message))
      .catch(() => say("Déplacement non enregistré : rechargez la page et recommencez."));
    return saving;
  }

  function moveTo(item, section, index) {
    const from = placeOf(item);
    insert(item, section, index);
    item.focus();
    item.scrollIntoView({ block: "nearest" });
    return save(item, from, placeOf(item));
  }

  /* One step up or down; at a section's edge, into the neighbouring section. */
  function step(item, up) {
    const here = placeOf(item);
    const count = itemsOf(here.section).length;
    const next = here.index + (up ? -1 : 1);
    if (next >= 0 && next < count) {
      return moveTo(item, here.section, next);
    }
    const all = sections();
    const neighbour = all[all.indexOf(here.section) + (up ? -1 : 1)];
    if (!neighbour) {
      say("L'article est déjà " + (up ? "en tête de l'édition." : "en fin d'édition."));
      return saving;
    }
    return moveTo(item, neighbour, up ? itemsOf(neighbour).length : 0);
  }

  const typing = (target) => target.closest("input, textarea, select, button, a");

  root.addEventListener("keydown", (event) => {
    if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) {
      return;
    }
    const item = event.target.closest("article[data-item-id]");
    if (!item || typing(event.target)) {
      return;
    }
    event.preventDefault();
    step(item, event.key === "ArrowUp");
  });

  root.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-move]");
    if (!form) {
      return;
    }
    event.preventDefault();
    const item = form.closest("article[data-item-id]");
    step(item, form.dataset.move === "haut").then(() => item.focus());
  });

  /* Dragging: from the handle only (the one draggable element), so text in the
     fields stays selectable; the whole item moves. */
  root.addEventListener("dragstart", (event) => {
    const handle = event.target.closest && event.target.closest(".drag-handle");
    if (!handle) {
      return;
    }
    const item = handle.closest("article[data-item-id]");
    dragged = item;
    start = placeOf(item);
    item.classList.add("is-dragged");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.dataset.itemId);
    event.dataTransfer.setDragImage(item, 16, 16);
  });

  root.addEventListener("dragover", (event) => {
    const section = event.target.closest("section[data-section]");
    if (!dragged || !section) {
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    const others = itemsOf(section).filter((other) => other !== dragged);
    const below = others.findIndex((other) => {
      const box = other.getBoundingClientRect();
      return event.clientY < box.top + box.height / 2;
    });
    const index = below === -1 ? others.length : below;
    const here = placeOf(dragged);
    if (here.section !== section || here.index !== index) {
      insert(dragged, section, index);
    }
  });

  root.addEventListener("drop", (event) => {
    if (dragged) {
      event.preventDefault();
    }
  });

  root.addEventListener("dragend", (event) => {
    if (!dragged) {
      return;
    }
    const item = dragged;
    const from = start;
    dragged = null;
    item.classList.remove("is-dragged");
    if (event.dataTransfer.dropEffect === "none") {
      insert(item, from.section, from.index); // dropped outside, or Escape: put it back
    }
    item.focus();
    const to = placeOf(item);
    if (to.section !== from.section || to.index !== from.index) {
      save(item, from, to);
    }
  });
})();

/* The send page: while the edition is being sent, N / total every second from the
   JSON status, then the page again, with the report. */
(function () {
  "use strict";

  const box = document.querySelector("[data-send-progress]");
  if (!box) {
    return;
  }
  const bar = box.querySelector("progress");
  const done = box.querySelector("[data-done]");
  const total = box.querySelector("[data-total]");
  const address = "/edition/envoi/etat?week=" + encodeURIComponent(box.dataset.week);

  async function poll() {
    try {
      const response = await fetch(address, { credentials: "same-origin" });
      const state = await response.json();
      done.textContent = String(state.done);
      total.textContent = String(state.total);
      bar.max = Math.max(state.total, 1);
      bar.value = state.done;
      if (state.finished || state.status === null) {
        window.location.reload();
        return;
      }
    } catch (error) {
      /* a missed poll: the next one says more */
    }
    window.setTimeout(poll, 1000);
  }

  window.setTimeout(poll, 500);
})();
