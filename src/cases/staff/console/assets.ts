/**
 * The console's stylesheet and script, served from /staff/assets so the Content-Security-Policy
 * can forbid inline script and style altogether.
 */
export const CONSOLE_CSS = `
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#1d2330;background:#f4f6f9}
header{background:#1f3a5f;color:#fff;display:flex;gap:1rem;align-items:center;padding:.5rem 1rem;flex-wrap:wrap}
header a{color:#fff;text-decoration:none}header nav{display:flex;gap:1rem;flex-wrap:wrap}header .grow{flex:1}header form{display:inline}
header button{background:none;border:1px solid #fff8;color:#fff;border-radius:4px;padding:.2rem .6rem;cursor:pointer}
main{padding:1rem;max-width:1300px;margin:0 auto}main:focus{outline:none}
.skip-link{position:absolute;left:.5rem;top:-10rem;z-index:10;background:#fff;color:#1f3a5f;padding:.4rem .8rem;border-radius:4px;font-weight:600}.skip-link:focus{top:.5rem}
/* A focus ring of 3:1 or more against what is around it (WCAG 1.4.11): the browser's own is 1px
   of near black, which the header's navy swallows. */
:focus-visible{outline:3px solid #1f5fa8;outline-offset:2px}header :focus-visible{outline-color:#ffd166}
h1{font-size:1.3rem;margin:.2rem 0 1rem}h2{font-size:1.05rem;margin:0 0 .5rem}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e3e7ee;vertical-align:top}
th{background:#eef1f6;font-weight:600}tbody th[scope=row]{background:none;font-weight:normal}tr:hover td,tr:hover th[scope=row]{background:#f8fafc}
.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.card{background:#fff;border:1px solid #dde3ec;border-radius:6px;padding:.8rem 1rem;margin-bottom:1rem}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:1rem}
.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin-bottom:1rem}.filters label{display:flex;flex-direction:column;font-size:.8rem}
.filters fieldset{display:flex;flex-wrap:wrap;gap:.1rem .7rem;margin:0;padding:.1rem .5rem .3rem;border:1px solid #dde3ec;border-radius:4px}.filters legend{font-size:.8rem;padding:0 .2rem}
.filters fieldset label{flex-direction:row;align-items:center;gap:.25rem}
label{font-size:.85rem}input,select,textarea,button{font:inherit}textarea{width:100%;min-height:4rem}
input[type=text],input[type=email],input[type=password]{padding:.3rem}
button,.button{background:#1f5fa8;color:#fff;border:0;border-radius:4px;padding:.35rem .8rem;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary{background:#5b6778}button.danger{background:#b3261e}
.badge{display:inline-block;border-radius:10px;padding:0 .5rem;font-size:.8rem;background:#e3e7ee;white-space:nowrap}
.badge.clock{white-space:normal}
.lvl-ok{background:#dff3e4;color:#135c2a}.lvl-near_75{background:#fff3cd;color:#7a5a00}.lvl-near_90{background:#ffd8a8;color:#8a3b00}.lvl-breached{background:#b3261e;color:#fff}.lvl-done{background:#e3e7ee;color:#444}
.sev{font-weight:700}.sev-P1{color:#b3261e}.sev-P2{color:#c25e00}.sev-P3{color:#1f5fa8}.sev-P4{color:#5b6778}
.flash{padding:.6rem 1rem;border-radius:4px;margin-bottom:1rem}.flash.ok{background:#dff3e4}.flash.error{background:#fde2e1}
.msg{padding:.4rem .6rem;border-radius:6px;margin:.3rem 0;max-width:85%;white-space:pre-wrap}.msg.in{background:#eef1f6}.msg.out{background:#e0ecfb;margin-left:auto}.msg.staff{background:#dff3e4;margin-left:auto}
.msg small,.event small{color:#5b6778;display:block;overflow-wrap:anywhere}.transcript{display:flex;flex-direction:column}
.event{border-left:3px solid #1f5fa8;padding:.2rem .6rem;margin:.3rem 0}
.actions form{margin-bottom:.8rem;border-bottom:1px solid #eef1f6;padding-bottom:.8rem}
.muted{color:#5b6778}tr.unread td{font-weight:600}.pager{display:flex;gap:1rem;align-items:center;margin-top:.8rem}
.login{max-width:360px;margin:10vh auto}.login label{display:block;margin:.5rem 0}.login input{width:100%}
pre{white-space:pre-wrap;margin:0}
`;

export const CONSOLE_JS = `
(function(){
  function fmt(ms){
    var neg = ms < 0; ms = Math.abs(ms);
    var m = Math.floor(ms/60000), d = Math.floor(m/1440), h = Math.floor((m%1440)/60), mm = m%60;
    var s = d > 0 ? d + 'd ' + h + 'h' : h > 0 ? h + 'h ' + mm + 'm' : mm + 'm';
    return neg ? 'overdue ' + s : s + ' left';
  }
  function tick(){
    var now = Date.now();
    document.querySelectorAll('[data-due]').forEach(function(el){
      var due = Date.parse(el.getAttribute('data-due'));
      var start = Date.parse(el.getAttribute('data-start'));
      if (isNaN(due)) return;
      el.querySelector('.left').textContent = fmt(due - now);
      if (!isNaN(start) && due > start) {
        var f = (now - start) / (due - start);
        var lvl = now > due ? 'breached' : f >= 0.9 ? 'near_90' : f >= 0.75 ? 'near_75' : 'ok';
        el.className = 'badge lvl-' + lvl;
      }
    });
  }
  tick(); setInterval(tick, 30000);
  document.querySelectorAll('form[data-confirm]').forEach(function(f){
    f.addEventListener('submit', function(e){ if (!window.confirm(f.getAttribute('data-confirm'))) e.preventDefault(); });
  });
})();
`;
