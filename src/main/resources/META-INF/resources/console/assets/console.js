// The console's only script, served by nexaflow (no inline scripts: the Content-Security-Policy allows none).
// It draws the diagrams with Mermaid, served from its WebJar, and follows campaign progress.
(function () {
  'use strict';

  function drawDiagrams() {
    if (!window.mermaid || !document.querySelector('pre.mermaid')) {
      return;
    }
    window.mermaid.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
      theme: 'neutral',
      flowchart: { useMaxWidth: false, htmlLabels: true, nodeSpacing: 30, rankSpacing: 45 }
    });
    window.mermaid.run({ querySelector: 'pre.mermaid' }).then(function () {
      document.body.setAttribute('data-diagrams', 'drawn');
    }, function (error) {
      document.body.setAttribute('data-diagrams', 'failed');
      console.error(error);
    });
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
