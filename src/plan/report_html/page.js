// The review page's script (embedded at build time; the page's Content-Security-Policy
// allows exactly this text by its hash). It reads the keys from the page's two JSON data
// blocks (#sm-keys: one compact row per key; #sm-dict: the names the rows point at) and
// draws the key table a page at a time, filtered by a search text, tenant, status and
// scope. It writes only through textContent and never builds markup from data, so a
// value holding markup shows as text. The summary above the key table is plain HTML and
// does not need this script.
(function () {
  'use strict';
  var PAGE_SIZE = 100;
  // A key row: [id, tenant index or -1, name, status index, role indexes, current scope
  // indexes, added scope indexes, extra scope indexes, reason index (blocked, skipped)].
  var ID = 0, TENANT = 1, NAME = 2, STATUS = 3, ROLES = 4, ADD = 6, EXTRA = 7, REASON = 8;

  function byId(id) { return document.getElementById(id); }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  var dict = JSON.parse(byId('sm-dict').textContent);
  var keys = JSON.parse(byId('sm-keys').textContent);
  var scopes = dict.scopes, tenants = dict.tenants, roles = dict.roles, reasons = dict.reasons;
  var statuses = dict.statuses;
  var privileged = new Uint8Array(scopes.length), writes = new Uint8Array(scopes.length);
  dict.privileged.forEach(function (i) { privileged[i] = 1; });
  dict.write.forEach(function (i) { writes[i] = 1; });

  // Per key: 1 = gains a privileged scope, 2 = gains a write scope.
  var grants = new Uint8Array(keys.length);
  for (var i = 0; i < keys.length; i++) {
    var add = keys[i][ADD] || [];
    for (var j = 0; j < add.length; j++) {
      if (privileged[add[j]]) grants[i] |= 1;
      if (writes[add[j]]) grants[i] |= 2;
    }
  }

  var search = byId('f-search'), tenantSel = byId('f-tenant'), statusSel = byId('f-status');
  var scopeSel = byId('f-scope'), body = byId('keys-body'), count = byId('match-count');
  var prev = byId('page-prev'), next = byId('page-next'), pageInfo = byId('page-info');
  var matches = [], page = 0, haystack = null;

  function addOption(select, value, text) {
    var o = el('option', text);
    o.value = String(value);
    select.appendChild(o);
  }

  function fillSelects() {
    var order = tenants.map(function (_, k) { return k; });
    order.sort(function (a, b) { return tenants[a] < tenants[b] ? -1 : tenants[a] > tenants[b] ? 1 : 0; });
    if (dict.keyless_tenant) addOption(tenantSel, -1, '(no tenant)');
    order.forEach(function (k) { addOption(tenantSel, k, tenants[k]); });
    statuses.forEach(function (s, k) { addOption(statusSel, k, s); });
    var scopeOrder = scopes.map(function (_, k) { return k; });
    scopeOrder.sort(function (a, b) { return scopes[a] < scopes[b] ? -1 : 1; });
    scopeOrder.forEach(function (k) {
      addOption(scopeSel, scopes[k], 'gains ' + scopes[k] + (privileged[k] ? ' (privileged)' : ''));
    });
  }

  function buildHaystack() {
    haystack = new Array(keys.length);
    for (var i = 0; i < keys.length; i++) {
      var k = keys[i];
      var r = (k[ROLES] || []).map(function (x) { return roles[x]; }).join(' ');
      haystack[i] = (k[ID] + '\n' + k[NAME] + '\n' + (k[TENANT] >= 0 ? tenants[k[TENANT]] : '') +
                     '\n' + r).toLowerCase();
    }
  }

  function applyFilter() {
    var text = search.value.trim().toLowerCase();
    var tenant = tenantSel.value === '' ? null : Number(tenantSel.value);
    var status = statusSel.value === '' ? null : Number(statusSel.value);
    var scope = scopeSel.value, scopeIndex = -1, grantMask = 0;
    if (scope === '@priv') grantMask = 1;
    else if (scope === '@write') grantMask = 2;
    else if (scope === '@grant') grantMask = 3;
    else if (scope !== '') scopeIndex = scopes.indexOf(scope);
    if (text && !haystack) buildHaystack();
    matches = [];
    for (var i = 0; i < keys.length; i++) {
      var k = keys[i];
      if (tenant !== null && k[TENANT] !== tenant) continue;
      if (status !== null && k[STATUS] !== status) continue;
      if (grantMask && !(grants[i] & grantMask)) continue;
      if (scope !== '' && !grantMask && (k[ADD] || []).indexOf(scopeIndex) < 0) continue;
      if (text && haystack[i].indexOf(text) < 0) continue;
      matches.push(i);
    }
    page = 0;
    render();
  }

  function scopeList(cell, list, sign, kind) {
    (list || []).forEach(function (s, n) {
      if (n) cell.appendChild(document.createTextNode(' '));
      cell.appendChild(el('span', sign + scopes[s], kind));
      if (privileged[s]) cell.appendChild(el('span', 'privileged', 'tag priv'));
    });
  }

  function row(k) {
    var tr = document.createElement('tr');
    tr.appendChild(el('td', k[ID], 'id'));
    tr.appendChild(el('td', k[NAME]));
    tr.appendChild(el('td', k[TENANT] >= 0 ? tenants[k[TENANT]] : ''));
    tr.appendChild(el('td', statuses[k[STATUS]], 'st st-' + statuses[k[STATUS]]));
    tr.appendChild(el('td', (k[ROLES] || []).map(function (x) { return roles[x]; }).join(', ')));
    var gains = el('td');
    scopeList(gains, k[ADD], '+', '');
    tr.appendChild(gains);
    var extra = el('td');
    var removed = dict.prune && statuses[k[STATUS]] === 'change';
    scopeList(extra, k[EXTRA], removed ? '\u2212' : 'kept ', '');
    tr.appendChild(extra);
    tr.appendChild(el('td', k.length > REASON ? reasons[k[REASON]] : ''));
    return tr;
  }

  function render() {
    var pages = Math.max(1, Math.ceil(matches.length / PAGE_SIZE));
    if (page >= pages) page = pages - 1;
    var start = page * PAGE_SIZE, end = Math.min(matches.length, start + PAGE_SIZE);
    var fragment = document.createDocumentFragment();
    for (var i = start; i < end; i++) fragment.appendChild(row(keys[matches[i]]));
    body.textContent = '';
    body.appendChild(fragment);
    count.textContent = matches.length + (matches.length === 1 ? ' key matches' : ' keys match') +
                        ' (of ' + keys.length + ')';
    count.setAttribute('data-count', String(matches.length));
    pageInfo.textContent = matches.length ? 'keys ' + (start + 1) + '\u2013' + end + ', page ' +
                                            (page + 1) + ' of ' + pages : 'no key matches';
    prev.disabled = page === 0;
    next.disabled = page + 1 >= pages;
  }

  // Buttons in the summary tables that open the key table on a tenant or a scope.
  function showKeys(tenant, scope) {
    search.value = '';
    statusSel.value = '';
    tenantSel.value = tenant;
    scopeSel.value = scope;
    applyFilter();
    byId('keys').scrollIntoView();
  }

  function addJumpButtons() {
    var cells = document.querySelectorAll('[data-tenant],[data-scope]');
    for (var i = 0; i < cells.length; i++) {
      var cell = cells[i];
      var b = el('button', 'show keys', 'linkish');
      b.type = 'button';
      b.setAttribute('data-t', cell.getAttribute('data-tenant') || '');
      b.setAttribute('data-s', cell.getAttribute('data-scope') || '');
      b.addEventListener('click', function (event) {
        var t = event.currentTarget;
        showKeys(t.getAttribute('data-t'), t.getAttribute('data-s'));
      });
      cell.appendChild(b);
    }
  }

  fillSelects();
  addJumpButtons();
  [tenantSel, statusSel, scopeSel].forEach(function (s) { s.addEventListener('change', applyFilter); });
  search.addEventListener('input', applyFilter);
  prev.addEventListener('click', function () { page--; render(); });
  next.addEventListener('click', function () { page++; render(); });
  byId('keys-ui').hidden = false;
  applyFilter();
  document.documentElement.setAttribute('data-ready', '1');
  // The search index, built once the first page is on screen rather than at the first search.
  setTimeout(function () { if (!haystack) buildHaystack(); }, 0);
})();
