// The console's only script, served by nexaflow (no inline scripts: the Content-Security-Policy allows none).
// It draws the diagrams with Mermaid, served from its WebJar, and follows campaign progress.
(function () {
  'use strict';

  function drawDiagrams() {
    if (!document.querySelector('pre.mermaid')) {
      document.body.setAttribute('data-diagrams', 'none');
      return;
    }
    if (!window.mermaid) {
      document.body.setAttribute('data-diagrams', 'failed');
      return;
    }
    window.mermaid.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
      theme: 'neutral',
      flowchart: { useMaxWidth: false, htmlLabels: true, nodeSpacing: 30, rankSpacing: 45 }
    });
    window.mermaid.run({ querySelector: 'pre.mermaid' }).then(function () {
      document.querySelectorAll('.diagram').forEach(showStart);
      // Milliseconds from the start of the page's navigation until the diagrams were drawn (read by the tests).
      document.body.setAttribute('data-drawn-ms', String(Math.round(performance.now())));
      document.body.setAttribute('data-diagrams', 'drawn');
    }, function (error) {
      document.body.setAttribute('data-diagrams', 'failed');
      console.error(error);
    });
  }

  // A wide diagram scrolls sideways: begin with its start node in view rather than its left edge.
  function showStart(container) {
    var start = container.querySelector('g.node.start');
    if (!start || container.scrollWidth <= container.clientWidth) {
      return;
    }
    var node = start.getBoundingClientRect();
    var box = container.getBoundingClientRect();
    container.scrollLeft += node.left - box.left - (container.clientWidth - node.width) / 2;
  }

  // One EventSource per open campaign; the stream ends by itself once the campaign does.
  function followCampaigns() {
    document.querySelectorAll('tr[data-progress]').forEach(function (row) {
      var state = row.getAttribute('data-state');
      if (state !== 'DRAFT' && state !== 'RUNNING' && state !== 'PAUSED') {
        return;
      }
      var events = new EventSource(row.getAttribute('data-progress'));
      events.onmessage = function (message) {
        var progress = JSON.parse(message.data);
        row.querySelector('progress').value = progress.percent;
        row.querySelector('.percent').textContent = progress.percent + '%';
        row.querySelector('.state').textContent = progress.state;
        row.querySelector('.total').textContent = progress.total;
        row.setAttribute('data-state', progress.state);
      };
      events.onerror = function () {
        events.close();
      };
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    drawDiagrams();
    followCampaigns();
  });
}());
