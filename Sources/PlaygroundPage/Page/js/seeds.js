// "Run seeds": the setup shown, trained from N initial weights (the server's or the worker's
// LiveSession+Seeds), each drawn small with its test loss, the success rate against the
// stop condition with the spread of the test loss — the sheet's "sometimes" as a number — and
// the `backprop sweep` command that measures the same.
import { decode, drawMap } from "./colors.js";

const $ = (id) => document.getElementById(id);

export function setupSeeds(send) {
  $("run-seeds").onclick = () => send({ type: "seeds", count: Number($("seed-count").value) });
}

function spread(values) {
  if (!values.length) return "";
  const mean = values.reduce((a, v) => a + v, 0) / values.length;
  const sd = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  return `${mean.toFixed(3)} ± ${sd.toFixed(3)} (${Math.min(...values).toFixed(3)}–${Math.max(...values).toFixed(3)})`;
}

export function renderSeeds(job) {
  $("seeds").hidden = false;
  const done = job.results, losses = done.map(r => r.testLoss).filter(Number.isFinite);
  const wins = done.filter(r => r.success).length;
  $("seeds-status").textContent = done.length < job.count ? `training seed ${job.firstSeed + done.length} (${done.length} of ${job.count} done)…` : "";
  $("seeds-summary").textContent = done.length
    ? `${wins} of ${done.length} succeeded (${Math.round(100 * wins / done.length)} %) by ${job.criterion} at epoch ${job.epochs.toLocaleString("en-US")} · test loss ${spread(losses)}`
    : `training ${job.count} seeds to epoch ${job.epochs.toLocaleString("en-US")}…`;
  const maps = $("seed-maps");
  while (maps.children.length > done.length) maps.lastChild.remove();
  done.forEach((r, k) => {
    let item = maps.children[k];
    if (!item || item.dataset.seed !== String(r.seed)) {
      item = document.createElement("figure");
      item.dataset.seed = String(r.seed);
      const c = document.createElement("canvas");
      c.width = c.height = job.resolution;
      if (r.map) drawMap(c, decode(r.map), job.resolution);
      const caption = document.createElement("figcaption");
      caption.textContent = r.diverged ? `seed ${r.seed}: diverged` : `seed ${r.seed} · ${r.testLoss.toFixed(3)}`;
      item.className = r.success ? "success" : "failure";
      item.title = r.diverged || `seed ${r.seed}: test loss ${r.testLoss}${r.testAccuracy != null ? `, accuracy ${r.testAccuracy}` : ""}; ${r.success ? "meets" : "misses"} ${job.criterion}`;
      item.append(c, caption);
      if (maps.children[k]) maps.replaceChild(item, maps.children[k]); else maps.appendChild(item);
    }
  });
  $("seeds-command").textContent = job.command;
}
