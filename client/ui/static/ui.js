/* global document, window, fetch, DOMParser, setTimeout */
// The inspector's only script: instant debate filters, and live refresh of pages showing a
// running run (the server marks <main data-live="true">; the page's HTML is fetched again and its
// <main> swapped in, so the pages stay server-rendered and work without this file).
'use strict';

function applyFilter(filter) {
  for (const row of document.querySelectorAll('table[data-filterable] tbody tr')) {
    const tags = (row.getAttribute('data-tags') || '').split(' ');
    row.hidden = !(filter === 'all' || tags.includes(filter));
  }
  for (const chip of document.querySelectorAll('a.chip.filter')) chip.classList.toggle('on', chip.getAttribute('data-filter') === filter);
}

function wireFilters() {
  for (const chip of document.querySelectorAll('a.chip.filter')) {
    chip.addEventListener('click', (event) => {
      event.preventDefault();
      applyFilter(chip.getAttribute('data-filter'));
      window.history.replaceState(null, '', chip.href);
    });
  }
}

const LIVE_MS = 3000;

function scheduleRefresh() {
  const main = document.querySelector('main[data-live="true"]');
  if (!main) return;
  setTimeout(async () => {
    try {
      const response = await fetch(window.location.href, { headers: { accept: 'text/html' } });
      const next = new DOMParser().parseFromString(await response.text(), 'text/html').querySelector('main');
      if (next) {
        // Keep the <details> a reader opened or closed.
        const open = [...main.querySelectorAll('details')].map((d) => d.open);
        main.replaceWith(next);
        next.querySelectorAll('details').forEach((d, i) => { if (i < open.length) d.open = open[i]; });
        wireFilters();
      }
    } finally {
      scheduleRefresh();
    }
  }, LIVE_MS);
}

document.addEventListener('DOMContentLoaded', () => {
  wireFilters();
  scheduleRefresh();
});
