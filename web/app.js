'use strict';
document.getElementById('f').addEventListener('submit', async (e) => {
  e.preventDefault();
  const t = document.getElementById('t').value.trim();
  const out = document.getElementById('out');
  out.textContent = 'checking ' + t + ' ...';
  const r = await fetch('/api/v1/check?target=' + encodeURIComponent(t));
  out.textContent = JSON.stringify(await r.json(), null, 1);
});
