// The live delivery page: GET /track/<order number>. No library, no CDN: one small file.
//
// Login: the shopper's access token, from the URL fragment (#token=..., never sent to any
// server; removed from the address bar at once) or from localStorage "microstore.accessToken"
// (the H5 store's own). Then: one GraphQL query for the order's places, and one socket
// (graphql-transport-ws) with two subscriptions: the order's status and the courier's
// position. A dropped socket reconnects; each subscription starts with the current state,
// so nothing is missed.
(function () {
  "use strict";

  var STATUS_TEXT = {
    PENDING_PAYMENT: "待付款", PAID: "已付款，等待骑手取货", SHIPPED: "已发货",
    OUT_FOR_DELIVERY: "骑手配送中", READY_FOR_PICKUP: "待自提", DELIVERED: "已送达",
    COMPLETED: "已完成", CANCELLED: "已取消", CLOSED: "已关闭", REFUNDED: "已退款",
  };
  var FINAL = { DELIVERED: 1, COMPLETED: 1, CANCELLED: 1, CLOSED: 1, REFUNDED: 1 };

  var TRACKING = "query Tracking($number: String!) { deliveryTracking(orderNumber: $number) {" +
    " orderId number status store { name latitude longitude } destination { latitude longitude }" +
    " courier { latitude longitude heading eta distanceRemainingM } } }";
  var STATUS_SUB = "subscription Status($id: ID!) { orderStatusChanged(orderId: $id) {" +
    " status version } }";
  var COURIER_SUB = "subscription Courier($id: ID!) { courierLocation(orderId: $id) {" +
    " latitude longitude heading eta distanceRemainingM } }";

  var $ = function (id) { return document.getElementById(id); };
  var app = $("app");
  var number = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");
  var token = readToken();
  var places = { store: null, destination: null, courier: null };
  var trail = [];
  var status = null;
  var socket = null;
  var retries = 0;

  function readToken() {
    var match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
    if (match) {
      var value = decodeURIComponent(match[1]);
      try { sessionStorage.setItem("microstore.trackToken", value); } catch (e) { /* private mode */ }
      history.replaceState(null, "", location.pathname + location.search);
      return value;
    }
    try {
      return sessionStorage.getItem("microstore.trackToken") ||
        localStorage.getItem("microstore.accessToken");
    } catch (e) { return null; }
  }

  function say(text) { $("message").textContent = text || ""; }

  function fail(state, text) {
    app.setAttribute("data-state", state);
    $("status").textContent = text;
    say("");
  }

  // --- drawing ------------------------------------------------------------------------------
  // An equirectangular projection of the points we know into the 1000 x 1000 view box.
  function project() {
    var points = [places.store, places.destination, places.courier].concat(trail)
      .filter(Boolean);
    if (!points.length) return null;
    var lats = points.map(function (p) { return p.latitude; });
    var lngs = points.map(function (p) { return p.longitude; });
    var minLat = Math.min.apply(null, lats), maxLat = Math.max.apply(null, lats);
    var minLng = Math.min.apply(null, lngs), maxLng = Math.max.apply(null, lngs);
    var kx = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
    var span = Math.max((maxLng - minLng) * kx, maxLat - minLat, 0.002);
    var midX = (minLng + maxLng) / 2 * kx, midY = (minLat + maxLat) / 2;
    var scale = 780 / span;
    return function (p) {
      return [500 + (p.longitude * kx - midX) * scale, 500 - (p.latitude - midY) * scale];
    };
  }

  function place(id, point, xy, heading) {
    var node = $(id);
    if (!point) { node.setAttribute("hidden", ""); return; }
    var at = xy(point);
    node.removeAttribute("hidden");
    node.setAttribute("transform", "translate(" + at[0].toFixed(1) + " " + at[1].toFixed(1) + ")");
    node.setAttribute("data-x", at[0].toFixed(1));
    node.setAttribute("data-y", at[1].toFixed(1));
    node.setAttribute("data-lat", String(point.latitude));
    node.setAttribute("data-lng", String(point.longitude));
    if (heading !== undefined && heading !== null) {
      $("heading").setAttribute("transform", "rotate(" + Number(heading).toFixed(0) + ")");
    }
  }

  function draw() {
    var xy = project();
    if (!xy) return;
    place("store", places.store, xy);
    place("destination", places.destination, xy);
    place("courier", places.courier, xy, places.courier && places.courier.heading);
    var line = function (ps) {
      return ps.filter(Boolean).map(function (p) { return xy(p).map(function (v) {
        return v.toFixed(1); }).join(","); }).join(" ");
    };
    $("route").setAttribute("points", line([places.store, places.destination]));
    $("trail").setAttribute("points", line(trail));
  }

  function showStatus(value) {
    status = value;
    var node = $("status");
    node.textContent = STATUS_TEXT[value] || value;
    node.setAttribute("data-status", value);
    if (FINAL[value]) {
      places.courier = null;
      $("eta").hidden = true;
      draw();
    }
  }

  function showCourier(c) {
    if (!c) return;
    places.courier = c;
    trail.push({ latitude: c.latitude, longitude: c.longitude });
    if (trail.length > 200) trail.shift();
    var eta = $("eta");
    if (c.eta) {
      var minutes = Math.max(0, Math.round((new Date(c.eta) - Date.now()) / 60000));
      var km = c.distanceRemainingM != null ? (c.distanceRemainingM / 1000).toFixed(1) : null;
      eta.textContent = "预计 " + minutes + " 分钟送达" + (km ? "（距您 " + km + " 公里）" : "");
      eta.setAttribute("data-eta", c.eta);
      eta.hidden = false;
    }
    draw();
  }

  // --- GraphQL ---------------------------------------------------------------------------------
  function query(text, variables) {
    return fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Authorization": "Bearer " + token },
      body: JSON.stringify({ query: text, variables: variables }),
    }).then(function (response) { return response.json(); });
  }

  function connect(orderId) {
    var url = location.origin.replace(/^http/, "ws") + "/graphql";
    socket = new WebSocket(url, "graphql-transport-ws");
    socket.onopen = function () {
      socket.send(JSON.stringify({ type: "connection_init",
                                   payload: { authorization: "Bearer " + token } }));
    };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "connection_ack") {
        retries = 0;
        app.setAttribute("data-state", "live");
        say("实时更新中");
        send("status", STATUS_SUB, orderId);
        if (!FINAL[status]) send("courier", COURIER_SUB, orderId);
      } else if (message.type === "next") {
        var data = message.payload.data || {};
        if (message.payload.errors) say(message.payload.errors[0].message);
        if (data.orderStatusChanged) showStatus(data.orderStatusChanged.status);
        if (data.courierLocation) showCourier(data.courierLocation);
      } else if (message.type === "error") {
        say(message.payload[0] && message.payload[0].message);
      } else if (message.type === "ping") {
        socket.send(JSON.stringify({ type: "pong" }));
      }
    };
    socket.onclose = function (event) {
      if (event.code === 4403) {
        fail("expired", "登录已过期，请重新打开");
        return;
      }
      if (FINAL[status]) { say(""); return; }
      retries += 1;
      app.setAttribute("data-state", "reconnecting");
      say("连接中断，正在重连…");
      setTimeout(function () { connect(orderId); }, Math.min(10000, 500 * retries));
    };
  }

  function send(id, text, orderId) {
    socket.send(JSON.stringify({ id: id, type: "subscribe",
                                 payload: { query: text, variables: { id: orderId } } }));
  }

  // --- start ----------------------------------------------------------------------------------
  $("number").textContent = number;
  if (!token) {
    fail("login", "请先登录");
    return;
  }
  query(TRACKING, { number: number }).then(function (body) {
    var tracking = body.data && body.data.deliveryTracking;
    if (!tracking) {
      var unauthenticated = (body.errors || []).some(function (e) {
        return e.extensions && e.extensions.code === "UNAUTHENTICATED"; });
      fail(unauthenticated ? "login" : "missing", unauthenticated ? "请先登录" : "没有找到这个订单");
      return;
    }
    places.store = tracking.store;
    places.destination = tracking.destination;
    showStatus(tracking.status);
    if (tracking.courier) showCourier(tracking.courier);
    draw();
    connect(tracking.orderId);
  }, function () { fail("offline", "网络不可用"); });
})();
