/*
 * The dependency graph of the dashboard: a layered layout computed from the components' views,
 * and its drawing as SVG.
 *
 * Layout: a component's layer is its depth in the dependency graph (0 without dependencies,
 * else one more than its deepest dependency), drawn as columns from left to right, so every
 * edge points left, at the dependency. Rows come in bands: one band per group (drawn with a box
 * around it) and one for the components outside any group, so a group's box never holds a
 * component of another group. Within a band and layer, a component sits near the average row of
 * its dependencies, which keeps most edges short and straight.
 */
(function (root) {
  'use strict';

  const SVG_NS = 'http://www.w3.org/2000/svg';

  const GEOMETRY = Object.freeze({
    nodeWidth: 168,
    nodeHeight: 50,
    columnGap: 78,
    rowGap: 18,
    bandGap: 26,
    groupPad: 12,
    groupLabel: 20,
    margin: 16,
  });

  /** The kind of each dependency of a view: `requires` unless the view says `wants`. */
  function dependencies(view, known) {
    const kinds = view.dependsOnKinds || {};
    const names = Array.from(new Set([...(view.dependsOn || []), ...Object.keys(kinds)]));
    return names.filter((d) => known.has(d)).map((d) => ({ name: d, kind: kinds[d] === 'wants' ? 'wants' : 'requires' }));
  }

  /** Depth of every component; a cycle (refused by config validation) cannot loop forever. */
  function depths(views) {
    const byName = new Map(views.map((v) => [v.name, v]));
    const known = new Set(byName.keys());
    const depth = new Map();
    const visiting = new Set();
    function visit(name) {
      if (depth.has(name)) return depth.get(name);
      if (visiting.has(name)) return 0;
      visiting.add(name);
      let d = 0;
      for (const dep of dependencies(byName.get(name), known)) d = Math.max(d, visit(dep.name) + 1);
      visiting.delete(name);
      depth.set(name, d);
      return d;
    }
    views.forEach((v) => visit(v.name));
    return depth;
  }

  /**
   * Positions of nodes, group boxes and edges for a list of component views.
   * Pure: the same views always give the same layout.
   */
  function layout(views, geometry) {
    const g = Object.assign({}, GEOMETRY, geometry || {});
    const known = new Set(views.map((v) => v.name));
    const depth = depths(views);
    const layers = views.length ? Math.max(...depth.values()) + 1 : 0;

    // Bands: groups ordered by their shallowest member, then name; ungrouped components last.
    const groupNames = Array.from(new Set(views.map((v) => v.group).filter((x) => x)));
    const shallowest = (grp) => Math.min(...views.filter((v) => v.group === grp).map((v) => depth.get(v.name)));
    groupNames.sort((a, b) => shallowest(a) - shallowest(b) || a.localeCompare(b));
    const bands = groupNames.map((name) => ({ group: name, members: views.filter((v) => v.group === name) }));
    const loose = views.filter((v) => !v.group);
    if (loose.length) bands.push({ group: null, members: loose });

    // Rows inside each band, layer by layer (dependencies are always in an earlier layer): a
    // component takes the free row nearest the average row of its dependencies.
    const row = new Map(); // name -> global row
    const placed = new Map(); // name -> {band, index}
    let rowBase = 0;
    bands.forEach((band, b) => {
      const perLayer = [];
      for (let layer = 0; layer < layers; layer++) perLayer.push(band.members.filter((v) => depth.get(v.name) === layer));
      const height = Math.max(...perLayer.map((here) => here.length));
      perLayer.forEach((here) => {
        const centre = new Map(here.map((v) => {
          const rows = dependencies(v, known).map((d) => row.get(d.name)).filter((r) => r !== undefined);
          return [v.name, rows.length ? rows.reduce((s, r) => s + r, 0) / rows.length - rowBase : Infinity];
        }));
        here.sort((x, y) => {
          const cx = centre.get(x.name);
          const cy = centre.get(y.name);
          if (cx !== cy) return cx === Infinity ? 1 : cy === Infinity ? -1 : cx - cy;
          return x.name.localeCompare(y.name);
        });
        let previous = -1;
        here.forEach((v, i) => {
          const c = centre.get(v.name);
          const wanted = c === Infinity ? previous + 1 : Math.round(c);
          const index = Math.max(previous + 1, Math.min(wanted, height - (here.length - i)));
          previous = index;
          row.set(v.name, rowBase + index);
          placed.set(v.name, { band: b, index });
        });
      });
      band.rows = height;
      rowBase += height;
    });

    // Pixels: a band's top leaves room for its group's label.
    const nodes = [];
    const groups = [];
    let top = g.margin;
    bands.forEach((band) => {
      const labelRoom = band.group ? g.groupLabel + g.groupPad : 0;
      const first = top + labelRoom;
      band.members.forEach((v) => {
        const p = placed.get(v.name);
        const layer = depth.get(v.name);
        nodes.push({
          name: v.name,
          layer,
          group: v.group || null,
          x: g.margin + g.groupPad + layer * (g.nodeWidth + g.columnGap),
          y: first + p.index * (g.nodeHeight + g.rowGap),
          width: g.nodeWidth,
          height: g.nodeHeight,
        });
      });
      const bandHeight = band.rows * g.nodeHeight + Math.max(0, band.rows - 1) * g.rowGap;
      if (band.group) {
        const mine = nodes.filter((n) => n.group === band.group);
        const minX = Math.min(...mine.map((n) => n.x));
        const maxX = Math.max(...mine.map((n) => n.x + n.width));
        groups.push({
          name: band.group,
          x: minX - g.groupPad,
          y: top,
          width: maxX - minX + 2 * g.groupPad,
          height: labelRoom + bandHeight + g.groupPad,
        });
        top += labelRoom + bandHeight + g.groupPad + g.bandGap;
      } else {
        top += bandHeight + g.bandGap;
      }
    });

    const at = new Map(nodes.map((n) => [n.name, n]));
    const edges = [];
    views.forEach((v) => {
      dependencies(v, known).forEach((d) => {
        const from = at.get(v.name);
        const to = at.get(d.name);
        edges.push({ from: v.name, to: d.name, kind: d.kind, path: edgePath(from, to) });
      });
    });

    const width = 2 * g.margin + 2 * g.groupPad + layers * g.nodeWidth + Math.max(0, layers - 1) * g.columnGap;
    const height = Math.max(top - g.bandGap + g.margin, 2 * g.margin + g.nodeHeight);
    return { nodes, groups, edges, width: Math.max(width, 2 * g.margin + g.nodeWidth), height, geometry: g };
  }

  /** From the dependent's left side to the dependency's right side (a dependency is further left). */
  function edgePath(from, to) {
    const x1 = from.x;
    const y1 = from.y + from.height / 2;
    const x2 = to.x + to.width;
    const y2 = to.y + to.height / 2;
    const bend = Math.max(24, (x1 - x2) / 2);
    return `M ${x1} ${y1} C ${x1 - bend} ${y1}, ${x2 + bend} ${y2}, ${x2 + 2} ${y2}`;
  }

  /** What a layout depends on: names, dependencies and groups (not states). */
  function shapeKey(views) {
    return JSON.stringify(views.map((v) => [v.name, v.group || null, v.dependsOn || [], v.dependsOnKinds || {}])
      .sort((a, b) => a[0].localeCompare(b[0])));
  }

  function el(name, attrs, text) {
    const e = root.document.createElementNS(SVG_NS, name);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v !== null && v !== undefined) e.setAttribute(k, String(v));
    });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /**
   * Draws the layout into the svg element (replacing what it held). Returns the node elements by
   * component name; each is a `g.node` with `data-component` and `data-state`, holding a
   * `rect.node-box` (its fill is the state colour, from the style sheet) and two text lines.
   */
  function draw(svg, lay) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    svg.setAttribute('viewBox', `0 0 ${lay.width} ${lay.height}`);
    svg.setAttribute('width', lay.width);
    svg.setAttribute('height', lay.height);

    const defs = el('defs');
    const marker = el('marker', {
      id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse',
    });
    marker.appendChild(el('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow-head' }));
    defs.appendChild(marker);
    svg.appendChild(defs);

    const groupLayer = el('g', { class: 'groups' });
    lay.groups.forEach((grp) => {
      const box = el('g', { class: 'group', 'data-group': grp.name });
      box.appendChild(el('rect', { x: grp.x, y: grp.y, width: grp.width, height: grp.height, rx: 10, class: 'group-box' }));
      box.appendChild(el('text', { x: grp.x + 10, y: grp.y + 16, class: 'group-label' }, grp.name));
      groupLayer.appendChild(box);
    });
    svg.appendChild(groupLayer);

    const edgeLayer = el('g', { class: 'edges' });
    lay.edges.forEach((e) => {
      const path = el('path', {
        d: e.path, class: `edge edge-${e.kind}`, 'data-from': e.from, 'data-to': e.to, 'data-kind': e.kind,
        'marker-end': 'url(#arrow)',
      });
      path.appendChild(el('title', {}, `${e.from} ${e.kind} ${e.to}`));
      edgeLayer.appendChild(path);
    });
    svg.appendChild(edgeLayer);

    const nodeLayer = el('g', { class: 'nodes' });
    const byName = new Map();
    lay.nodes.forEach((n) => {
      const node = el('g', {
        class: 'node', 'data-component': n.name, 'data-state': 'UNKNOWN', transform: `translate(${n.x} ${n.y})`,
        tabindex: 0, role: 'button', 'aria-label': n.name,
      });
      node.appendChild(el('title', {}, n.name));
      node.appendChild(el('rect', { class: 'node-box', width: n.width, height: n.height, rx: 8 }));
      node.appendChild(el('text', { class: 'node-name', x: 12, y: 20 }, n.name));
      node.appendChild(el('text', { class: 'node-detail', x: 12, y: 38 }, ''));
      node.appendChild(el('text', { class: 'node-badge', x: n.width - 10, y: 20, 'text-anchor': 'end' }, ''));
      nodeLayer.appendChild(node);
      byName.set(n.name, node);
    });
    svg.appendChild(nodeLayer);
    return byName;
  }

  const api = { layout, draw, shapeKey, depths, dependencies, GEOMETRY };
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.RegulatorGraph = api;
})(typeof window !== 'undefined' ? window : globalThis);
