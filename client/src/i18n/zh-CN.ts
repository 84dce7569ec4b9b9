/** Simplified Chinese UI strings: the same keys as en.ts (the type says so). */
import type { Dictionary } from './en.ts';

export const zhCN: Dictionary = {
  language: { switch: '切换语言' },
  connection: {
    restarted: '已重新连接到重启后的服务器：显示实时数据',
    label: { connecting: '正在连接…', live: '实时', reconnecting: '正在重新连接…', stale: '数据陈旧：无更新', incompatible: '需要更新', history: '历史' },
    hint: {
      connecting: '正在连接工厂服务器',
      live: '正在接收实时更新',
      reconnecting: '连接已断开；画面显示最后已知的状态，并会自动重新连接',
      stale: '已连接，但超过 3 秒没有更新：您看到的可能已过时',
      incompatible: '服务器使用其他协议版本；请重新加载页面',
      history: '已连接；画面显示的是录制的历史，而不是当前产线。使用时间轴返回实时。',
    },
  },
  tour: {
    menu: '导览',
    stepOf: '第 {{step}} 步，共 {{total}} 步',
    previous: '上一步',
    next: '下一步',
    play: '播放',
    pause: '暂停',
    close: '结束导览',
  },
  room: {
    title: '跟我看',
    codeLabel: '会话代码',
    join: '加入',
    create: '开启培训会话',
    tokenLabel: '讲师令牌',
    useToken: '使用令牌',
    tokenHint: '讲师：请向管理员索取令牌（linetwin token --role presenter）。令牌保存在本设备上。',
    sessionOpen: '培训会话：学员加入代码',
    qrAlt: '扫码加入：{{url}}',
    end: '结束会话',
    following: '正在跟随讲师 · {{code}}',
    snapBack: '回到讲师视角',
    leave: '离开',
    notConnected: '未连接到工厂服务器',
    noAnswer: '服务器未及时响应',
    createFailed: '无法开启会话：{{error}}',
    joinFailed: '无法加入：{{error}}',
    closed: '培训会话已关闭',
    ended: '讲师已结束会话：返回实时画面',
    lost: '连接中断，培训会话已结束；请重新开启',
  },
  kiosk: {
    jph: '每小时产量（辆）',
    today: '今日已生产（辆）',
    exploring: '自由浏览：拖动旋转，双指缩放，点击设备查看。{{seconds}} 秒无操作后导览将继续。',
  },
};
