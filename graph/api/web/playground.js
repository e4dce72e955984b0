// chipgraph's GraphiQL page. Everything it loads comes from this server
// (/assets/vendor holds GraphiQL, React and the explorer plugin, pinned in
// vendor/PINS). The editors' state lives in the URL (?query=, ?variables=,
// ?operationName=), so a link reproduces a query; a bare / is redirected by
// the server to a URL carrying the example query.
(function () {
  'use strict';
  var mount = document.getElementById('graphiql');
  var params = new URLSearchParams(window.location.search);

  function keepInURL(name) {
    return function (value) {
      if (value) { params.set(name, value); } else { params.delete(name); }
      history.replaceState(null, '', '?' + params.toString());
    };
  }

  // Storage under our own prefix, so that other GraphiQL pages served
  // from the same origin do not share tabs and history with this one.
  var prefix = 'chipgraph:';
  var storage = {
    getItem: function (k) { return localStorage.getItem(prefix + k); },
    setItem: function (k, v) { localStorage.setItem(prefix + k, v); },
    removeItem: function (k) { localStorage.removeItem(prefix + k); },
    clear: function () {
      Object.keys(localStorage).filter(function (k) { return k.indexOf(prefix) === 0; })
        .forEach(function (k) { localStorage.removeItem(k); });
    },
    get length() {
      return Object.keys(localStorage).filter(function (k) { return k.indexOf(prefix) === 0; }).length;
    }
  };

  var fetcher = GraphiQL.createFetcher({ url: new URL(mount.dataset.endpoint, window.location.href).toString() });
  var root = ReactDOM.createRoot(mount);
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    plugins: [GraphiQLPluginExplorer.explorerPlugin()],
    storage: storage,
    query: params.get('query') || undefined,
    variables: params.get('variables') || undefined,
    operationName: params.get('operationName') || undefined,
    onEditQuery: keepInURL('query'),
    onEditVariables: keepInURL('variables'),
    onEditOperationName: keepInURL('operationName'),
    inputValueDeprecation: true,
    defaultEditorToolsVisibility: false
  }));
})();
