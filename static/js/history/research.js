// The researcher's page across pieces: the same analytics as a piece's history page, aggregated by the
// server over every piece the user owns or researches.
import { analyticsHtml } from "./analytics.js";
import { getJson, pageConfig } from "./api.js";

const api = pageConfig("research-api");
const figures = document.getElementById("analytics-figures");

getJson(api.analytics)
  .then((analytics) => {
    figures.innerHTML = analyticsHtml(analytics);
    document.getElementById("piece-total").textContent = String(analytics.pieces);
    document.body.dataset.ready = "true";
  })
  .catch((error) => { figures.textContent = error.message; });
