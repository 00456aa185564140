/* select2 4.0 in Simplified Chinese (the shape of select2's own i18n modules), served by the
   app: the network has no CDN. Loaded after select2.min.js; views.forms.widget_locale. */
(function () {
  var amd = jQuery && jQuery.fn && jQuery.fn.select2 && jQuery.fn.select2.amd;
  if (!amd) { return; }
  amd.define("select2/i18n/zh-CN", [], function () {
    return {
      errorLoading: function () { return "无法载入结果。"; },
      inputTooLong: function (args) { return "请删除" + (args.input.length - args.maximum) + "个字符"; },
      inputTooShort: function (args) { return "请再输入至少" + (args.minimum - args.input.length) + "个字符"; },
      loadingMore: function () { return "正在载入更多结果…"; },
      maximumSelected: function (args) { return "最多只能选择" + args.maximum + "项"; },
      noResults: function () { return "未找到结果"; },
      searching: function () { return "正在查找…"; },
      removeAllItems: function () { return "清除全部"; }
    };
  });
}());
