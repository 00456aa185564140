/* select2 4.0 in Traditional Chinese (the shape of select2's own i18n modules), served by the
   app: the network has no CDN. Loaded after select2.min.js; views.forms.widget_locale. */
(function () {
  var amd = jQuery && jQuery.fn && jQuery.fn.select2 && jQuery.fn.select2.amd;
  if (!amd) { return; }
  amd.define("select2/i18n/zh-TW", [], function () {
    return {
      errorLoading: function () { return "無法載入結果。"; },
      inputTooLong: function (args) { return "請刪除" + (args.input.length - args.maximum) + "個字元"; },
      inputTooShort: function (args) { return "請再輸入至少" + (args.minimum - args.input.length) + "個字元"; },
      loadingMore: function () { return "正在載入更多結果…"; },
      maximumSelected: function (args) { return "最多只能選擇" + args.maximum + "項"; },
      noResults: function () { return "未找到結果"; },
      searching: function () { return "正在查找…"; },
      removeAllItems: function () { return "清除全部"; }
    };
  });
}());
