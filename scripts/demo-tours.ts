/**
 * The demo plant's guided tours: a visitor tour from the press shop to final inspection (about three
 * minutes, for a show stand's loop) and an induction for new staff (safety zones, station roles, state colours).
 * Narration is written for people who have never seen a car plant; each text comes in English and Chinese.
 */
import type { SceneInput } from '../protocol/scene-schema.ts';

type Tours = NonNullable<SceneInput['tours']>;
type Step = Tours[number]['steps'][number];
type Target = { kind: 'station' | 'robot' | 'area'; id: string };

const t = (en: string, zh: string) => ({ en, 'zh-CN': zh });
const station = (id: string): Target => ({ kind: 'station', id });
const area = (id: string): Target => ({ kind: 'area', id });
const robot = (id: string): Target => ({ kind: 'robot', id });

function step(title: [string, string], text: [string, string], duration: number, look: Pick<Step, 'camera' | 'frame'>, highlight: Target[] = [], replay?: Step['replay']): Step {
  return { title: t(...title), text: t(...text), duration, ...look, highlight, ...(replay ? { replay } : {}) };
}

export function demoTours(): Tours {
  const visitor: Tours[number] = {
    id: 'visitor',
    name: t('Visitor tour', '参观导览'),
    steps: [
      step(['Welcome to the plant', '欢迎参观工厂'], ['This is a live digital twin of a car plant. Every colour and movement you see comes from the line right now: a new car is finished about every minute.', '这是一座汽车工厂的实时数字孪生。您看到的每一种颜色和每一个动作都来自生产线的实时数据：大约每分钟就有一辆新车下线。'], 14, { camera: { position: [0, 150, 170], target: [0, 0, 0] } }),
      step(['Press shop', '冲压车间'], ['A tandem line of four presses forms flat steel sheets into doors, roofs and side panels. The first press pushes with 2,500 tonnes.', '由四台压力机组成的串联线把平整的钢板冲压成车门、车顶和侧围。第一台压力机的压力达 2500 吨。'], 16, { frame: station('PR-010') }, [station('PR-010'), station('PR-020'), station('PR-030'), station('PR-040')]),
      step(['Body shop: welding', '车身车间：焊接'], ['Robots join the pressed parts with thousands of spot welds. Watch for the sparks when a welding gun closes.', '机器人用数千个焊点把冲压件连接起来。焊枪闭合时请留意火花。'], 18, { frame: station('BS-030') }, [station('BS-030'), robot('BS-030-R1'), robot('BS-030-R2')]),
      step(['Framing station', '总拼工位'], ['The framing station clamps floor, sides and roof together and fixes the geometry of the whole car to within a millimetre.', '总拼工位把地板、侧围和车顶夹紧在一起，把整车的几何尺寸固定在一毫米以内。'], 16, { frame: station('BS-050') }, [station('BS-050')]),
      step(['Body in white', '白车身'], ['Doors, hood and tailgate are hung, then every body is measured. The bare steel body is called "body in white".', '安装车门、发动机盖和尾门后，每台车身都要测量。这种裸露钢板的车身叫做“白车身”。'], 14, { frame: station('BS-150') }, [station('BS-100'), station('BS-110'), station('BS-150')]),
      step(['Paint shop: protection', '涂装车间：防腐'], ['Bodies are dipped in an electrically charged bath (e-coat) so that every hidden corner is protected against rust, then baked in an oven.', '车身浸入带电的电泳槽，使每个隐蔽角落都能防锈，然后进入烘炉烘干。'], 16, { frame: station('PS-010') }, [station('PS-010'), station('PS-020')]),
      step(['Paint shop: colour', '涂装车间：喷色'], ['Paint robots with rotating bells spray the colour coat. From here on, each body shows the colour its customer ordered.', '带旋杯的喷涂机器人喷涂色漆。从这里开始，每台车身都显示客户订购的颜色。'], 18, { frame: station('PS-060') }, [station('PS-060'), area('paint')]),
      step(['General assembly', '总装车间'], ['People and robots fit the wiring, windows, cockpit and seats. More than a thousand parts arrive just in time for each car.', '工人和机器人安装线束、玻璃、仪表台和座椅。每辆车的一千多个零件都准时送达。'], 18, { frame: station('GA-030') }, [station('GA-010'), station('GA-030'), station('GA-040')]),
      step(['Marriage', '合装'], ['The body is lowered onto the powertrain and chassis: the moment the car becomes a car.', '车身落在动力总成和底盘上：这一刻，它才真正成为一辆车。'], 16, { frame: station('GA-060') }, [station('GA-060')]),
      step(['Wheels and fluids', '车轮与加注'], ['Robots tighten the wheel nuts to the exact torque; then brake fluid, coolant and fuel are filled.', '机器人按精确扭矩拧紧车轮螺母，然后加注制动液、冷却液和燃油。'], 14, { frame: station('GA-080') }, [station('GA-080'), station('GA-120')]),
      step(['Testing', '检测'], ['Every car is driven on rollers, its brakes tested, its lights aimed and it is sprayed in a water booth to prove it is tight.', '每辆车都要在转鼓上行驶、测试制动、调校大灯，并在淋雨房中检验密封性。'], 16, { frame: station('EOL-020') }, [station('EOL-010'), station('EOL-020'), station('EOL-030')]),
      step(['Final inspection', '最终检验'], ['Inspectors check the finished car under bright light. Then it is released to its customer. Thank you for visiting!', '检验员在明亮的灯光下检查整车，然后交付给客户。感谢您的参观！'], 14, { frame: station('EOL-040') }, [station('EOL-040'), station('EOL-050')]),
    ],
  };

  const induction: Tours[number] = {
    id: 'induction',
    name: t('New staff induction', '新员工入职培训'),
    steps: [
      step(['The five shops', '五个车间'], ['The plant has five areas in flow order: press, body, paint, general assembly and end of line. A body moves through them in about a day.', '工厂按流程分为五个区域：冲压、车身、涂装、总装和下线检测。一台车身大约一天走完全程。'], 16, { camera: { position: [0, 150, 170], target: [0, 0, 0] } }, [area('press'), area('body'), area('paint'), area('assembly'), area('eol')]),
      step(['Safety zone: robot cells', '安全区域：机器人工作站'], ['Robot cells are fenced. Never enter a cell while it is working: a cell is safe only when it is locked out and shows grey (off) or blue (setup).', '机器人工作站设有围栏。工作站运行时严禁进入：只有在上锁挂牌并显示灰色（停机）或蓝色（换型）时才安全。'], 18, { frame: station('BS-050') }, [station('BS-050'), station('BS-030')]),
      step(['Safety zone: presses and ovens', '安全区域：压力机与烘炉'], ['Presses and ovens are the most dangerous machines in the plant: only trained and authorised people work there.', '压力机和烘炉是工厂里最危险的设备：只有经过培训并获得授权的人员才能在此作业。'], 16, { frame: station('PR-010') }, [area('press'), station('PS-020'), station('PS-080')]),
      step(['Station roles', '工位职责'], ['Each station does one job in its cycle time. A station only works when the one before it hands over a body and the one after it has room.', '每个工位在节拍时间内完成一项工作。只有上游工位交来车身、下游工位有空位时，本工位才能工作。'], 16, { frame: station('GA-040') }, [station('GA-030'), station('GA-040'), station('GA-050')]),
      step(['Green: working', '绿色：运行'], ['Green means the station is working on a body. This is where we want every station to be.', '绿色表示工位正在加工车身。我们希望每个工位都处于这种状态。'], 12, { frame: station('GA-080') }, [station('GA-080')]),
      step(['Yellow and orange: waiting', '黄色与橙色：等待'], ['Yellow (starved) means no body arrived from upstream; orange (blocked) means the next station has no room. Both point to a problem elsewhere.', '黄色（缺料）表示上游没有车身送来；橙色（堵塞）表示下游没有空位。两者都说明问题出在别处。'], 16, { frame: station('GA-060') }, [station('GA-050'), station('GA-060'), station('GA-070')]),
      step(['Red: down', '红色：故障'], ['Red (vermilion) means the station has broken down. Call maintenance; the line before it soon blocks and the line after it soon starves.', '红色表示工位发生故障。请呼叫维修；其上游很快会堵塞，下游很快会缺料。'], 14, { frame: station('PS-060') }, [station('PS-060')]),
      step(['Blue, grey and faded', '蓝色、灰色与褪色'], ['Blue is a planned changeover (setup), grey is switched off. A faded, greyed station means its data is stale: do not trust it, check on the floor.', '蓝色表示计划内换型，灰色表示已关闭。褪色发灰的工位表示数据已过时：不要相信它，请到现场确认。'], 16, { frame: station('PR-040') }, [station('PR-040')]),
    ],
  };
  return [visitor, induction];
}
