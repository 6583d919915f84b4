<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AckDialog</name>
    <message>
        <location filename="../event_ack.py" line="73"/>
        <source>Acknowledge events</source>
        <translation>确认事件</translation>
    </message>
    <message>
        <location filename="../event_ack.py" line="76"/>
        <source>Acknowledge %1 selected events? The name and the time are stored with each of them.</source>
        <translation>确认所选的 %1 个事件？确认人和时间将随每个事件一起保存。</translation>
    </message>
    <message>
        <location filename="../event_ack.py" line="80"/>
        <source>Acknowledged by:</source>
        <translation>确认人：</translation>
    </message>
    <message>
        <location filename="../event_ack.py" line="81"/>
        <source>Note (optional):</source>
        <translation>备注（可选）：</translation>
    </message>
</context>
<context>
    <name>ConnectionText</name>
    <message>
        <location filename="../connection_text.py" line="31"/>
        <source>Modbus TCP</source>
        <translation>Modbus TCP</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="32"/>
        <source>Modbus RTU (serial line)</source>
        <translation>Modbus RTU（串行总线）</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="33"/>
        <source>RTU over TCP (serial gateway)</source>
        <translation>TCP 透传 RTU（串口网关）</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="36"/>
        <source>illegal function</source>
        <translation>非法功能码</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="37"/>
        <source>illegal data address</source>
        <translation>非法数据地址</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="38"/>
        <source>illegal data value</source>
        <translation>非法数据值</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="39"/>
        <source>server device failure</source>
        <translation>从站设备故障</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="40"/>
        <source>acknowledge</source>
        <translation>已受理，处理中</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="41"/>
        <source>server device busy</source>
        <translation>从站设备忙</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="42"/>
        <source>memory parity error</source>
        <translation>存储器奇偶校验错误</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="43"/>
        <source>gateway path unavailable</source>
        <translation>网关路径不可用</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="44"/>
        <source>gateway target device failed to respond</source>
        <translation>网关目标设备无应答</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="48"/>
        <source>The device refused the read: %1.</source>
        <translation>设备拒绝了读取：%1。</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="49"/>
        <source>The device refused the read.</source>
        <translation>设备拒绝了读取。</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="52"/>
        <source>No answer: %1.</source>
        <translation>无应答：%1。</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="53"/>
        <source>No answer within the timeout.</source>
        <translation>在超时时间内无应答。</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="56"/>
        <source>No connection: %1.</source>
        <translation>无法连接：%1。</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="57"/>
        <source>No connection to the device.</source>
        <translation>无法连接到设备。</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="60"/>
        <source>The answer was rejected: %1.</source>
        <translation>应答无效，已丢弃：%1。</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="61"/>
        <source>The answer was rejected: it does not match the request.</source>
        <translation>应答无效，已丢弃：与请求不符。</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="66"/>
        <source>no answer within %1 s</source>
        <translation>%1 秒内无应答</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="67"/>
        <source>no answer</source>
        <translation>无应答</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="70"/>
        <source>no connection to %1</source>
        <translation>无法连接到 %1</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="71"/>
        <source>no connection</source>
        <translation>无法连接</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="73"/>
        <source>the device refused the read</source>
        <translation>设备拒绝了读取</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="74"/>
        <source>answer rejected</source>
        <translation>应答无效，已丢弃</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="76"/>
        <source>SunSpec discovery failed</source>
        <translation>SunSpec 识别失败</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="77"/>
        <source>read failed</source>
        <translation>读取失败</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="78"/>
        <source>unknown exception</source>
        <translation>未知异常</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="89"/>
        <source>The read failed: %1.</source>
        <translation>读取失败：%1。</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="90"/>
        <source>The read failed.</source>
        <translation>读取失败。</translation>
    </message>
    <message>
        <location filename="../connection_text.py" line="79"/>
        <source>Modbus exception %1 (%2)</source>
        <translation>Modbus 异常码 %1（%2）</translation>
    </message>
</context>
<context>
    <name>DataAge</name>
    <message>
        <location filename="../data_age.py" line="26"/>
        <source>%1 s ago</source>
        <translation>%1 秒前</translation>
    </message>
    <message>
        <location filename="../data_age.py" line="29"/>
        <source>%1 min ago</source>
        <translation>%1 分钟前</translation>
    </message>
    <message>
        <location filename="../data_age.py" line="32"/>
        <source>%1 h %2 min ago</source>
        <translation>%1 小时 %2 分钟前</translation>
    </message>
    <message>
        <location filename="../data_age.py" line="33"/>
        <source>%1 d ago</source>
        <translation>%1 天前</translation>
    </message>
    <message>
        <location filename="../data_age.py" line="46"/>
        <source>as of %1, %2</source>
        <translation>截至 %1，%2</translation>
    </message>
    <message>
        <location filename="../data_age.py" line="51"/>
        <source>stale since %1 (%2)</source>
        <translation>自 %1 起数据过期（%2）</translation>
    </message>
</context>
<context>
    <name>DeviceTableModel</name>
    <message>
        <location filename="../device_table.py" line="106"/>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="107"/>
        <source>degraded</source>
        <translation>降级</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="108"/>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="109"/>
        <source>stale</source>
        <translation>数据过期</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="110"/>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="120"/>
        <source>PV inverter</source>
        <translation>光伏逆变器</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="121"/>
        <source>storage</source>
        <translation>储能</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="122"/>
        <source>load meter</source>
        <translation>负荷电表</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="123"/>
        <source>grid meter</source>
        <translation>关口电表</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="124"/>
        <source>weather sensor</source>
        <translation>气象传感器</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="146"/>
        <source>%1, unit %2</source>
        <translation>%1，从站地址 %2</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="152"/>
        <source>%1 (doubtful)</source>
        <translation>%1（存疑）</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="168"/>
        <source>SoC %1 %</source>
        <translation>荷电状态 %1 %</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="170"/>
        <source>irradiance %1 W/m²</source>
        <translation>辐照度 %1 W/m²</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="173"/>
        <source>%1 kWh generated</source>
        <translation>累计发电 %1 kWh</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="174"/>
        <source>%1 kWh consumed</source>
        <translation>累计用电 %1 kWh</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="175"/>
        <source>%1 kWh imported</source>
        <translation>累计下网 %1 kWh</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="200"/>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="206"/>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="230"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="231"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="232"/>
        <source>Role</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="233"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="234"/>
        <source>Connection</source>
        <translation>连接</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="235"/>
        <source>Power kW</source>
        <translation>功率 kW</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="236"/>
        <source>Key value</source>
        <translation>关键读数</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="237"/>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="239"/>
        <source>Age</source>
        <translation>数据时效</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="242"/>
        <source>How old the device&apos;s data is: its latest reading with values. Amber when it is no longer live (older than three poll intervals, or the last poll read nothing).</source>
        <translation>设备数据的时效：其最近一次有数值的读数。数据不再实时（超过三个轮询周期，或最近一次轮询未读到数据）时显示为琥珀色。</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="249"/>
        <source>Latency</source>
        <translation>响应时间</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="252"/>
        <source>How long the last poll of the device took, including any wait for its connection.</source>
        <translation>最近一次轮询该设备所用的时间，包括等待连接的时间。</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="257"/>
        <source>Failed polls</source>
        <translation>轮询失败</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="260"/>
        <source>Polls that read nothing, of the polls this window has received since it opened. A device polled more often than four times a second has polls that are not counted.</source>
        <translation>本窗口打开以来收到的轮询中，未读到任何数据的次数 / 轮询总次数。轮询频率高于每秒四次的设备，有部分轮询不计入统计。</translation>
    </message>
    <message>
        <location filename="../device_table.py" line="267"/>
        <source>Error</source>
        <translation>错误</translation>
    </message>
</context>
<context>
    <name>DevicesPage</name>
    <message>
        <location filename="../devices_page.py" line="140"/>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="147"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="148"/>
        <source>Register inspector</source>
        <translation>寄存器检查</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="150"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="151"/>
        <source>Role</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="152"/>
        <source>Connection</source>
        <translation>连接</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="153"/>
        <source>Profile</source>
        <translation>点表</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="154"/>
        <source>Last reading</source>
        <translation>最近读数</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="155"/>
        <source>Latency</source>
        <translation>响应时间</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="156"/>
        <source>Polls</source>
        <translation>轮询</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="157"/>
        <source>Last error</source>
        <translation>最近错误</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="158"/>
        <source>Identity</source>
        <translation>设备信息</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="162"/>
        <source>Read identity</source>
        <translation>读取设备信息</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="163"/>
        <source>Inspect its registers</source>
        <translation>查看其寄存器</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="165"/>
        <source>Reads the manufacturer, model, serial number and firmware version from the device (read-only).</source>
        <translation>从设备读取制造商、型号、序列号和固件版本（只读）。</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="280"/>
        <source>Select a device in the table to see its details.</source>
        <translation>在表格中选择一台设备以查看其详情。</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="287"/>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="291"/>
        <source>%1: no reading for more than three poll intervals</source>
        <translation>%1：超过三个轮询周期没有读数</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="293"/>
        <location filename="../devices_page.py" line="357"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="298"/>
        <source>%1, rated %2 kW</source>
        <translation>%1，额定功率 %2 kW</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="306"/>
        <source>%1 — %2 (%3), unit %4</source>
        <translation>%1 — %2（%3），从站地址 %4</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="315"/>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="317"/>
        <source>%1 (register map found from the device&apos;s SunSpec models)</source>
        <translation>%1（点表根据设备的 SunSpec 模型自动识别）</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="318"/>
        <source>%1, polled every %2 s</source>
        <translation>%1，每 %2 s 轮询一次</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="320"/>
        <source>%1, unit %2</source>
        <translation>%1，从站地址 %2</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="323"/>
        <source>Not known without the site config; polled every %1 s</source>
        <translation>无站点配置，无法获知；每 %1 s 轮询一次</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="326"/>
        <source>None yet</source>
        <translation>暂无</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="331"/>
        <source>%1 (%2 s ago)</source>
        <translation>%1（%2 s 前）</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="334"/>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="336"/>
        <source>Not measured: this window reads the database another collector writes</source>
        <translation>未测量：本窗口读取的是另一个采集器写入的数据库</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="346"/>
        <source>%1 since this window opened: %2 read nothing, %3 incomplete</source>
        <translation>本窗口打开以来共 %1 次：%2 次未读到数据，%3 次数据不完整</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="353"/>
        <source>None since this window opened</source>
        <translation>本窗口打开以来无</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="372"/>
        <source>Reading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <location filename="../devices_page.py" line="374"/>
        <source>Not read: the collector has this device&apos;s serial port open.</source>
        <translation>未读取：采集器正占用该设备的串口。</translation>
    </message>
    <message>
        <location filename="../device_identity.py" line="24"/>
        <source>Not read yet.</source>
        <translation>尚未读取。</translation>
    </message>
    <message>
        <location filename="../device_identity.py" line="25"/>
        <source>Not known without the site config.</source>
        <translation>无站点配置，无法获知。</translation>
    </message>
    <message>
        <location filename="../device_identity.py" line="27"/>
        <location filename="../device_identity.py" line="30"/>
        <source>Not read: %1</source>
        <translation>未读取：%1</translation>
    </message>
    <message>
        <location filename="../device_identity.py" line="32"/>
        <source>The device&apos;s profile names no identity registers.</source>
        <translation>该设备的点表未定义设备信息寄存器。</translation>
    </message>
    <message>
        <location filename="../device_identity.py" line="34"/>
        <source>manufacturer %1</source>
        <translation>制造商 %1</translation>
    </message>
    <message>
        <location filename="../device_identity.py" line="35"/>
        <source>model %1</source>
        <translation>型号 %1</translation>
    </message>
    <message>
        <location filename="../device_identity.py" line="36"/>
        <source>serial number %1</source>
        <translation>序列号 %1</translation>
    </message>
    <message>
        <location filename="../device_identity.py" line="37"/>
        <source>firmware %1</source>
        <translation>固件 %1</translation>
    </message>
    <message>
        <location filename="../device_identity.py" line="40"/>
        <source>not set</source>
        <translation>未设置</translation>
    </message>
</context>
<context>
    <name>EnergyChart</name>
    <message>
        <location filename="../energy_chart.py" line="101"/>
        <source>Generation and consumption</source>
        <translation>发电与用电</translation>
    </message>
    <message>
        <location filename="../energy_chart.py" line="102"/>
        <source>Grid and storage: in above 0, out below</source>
        <translation>电网与储能：流入在 0 以上，流出在 0 以下</translation>
    </message>
</context>
<context>
    <name>EnergyPage</name>
    <message>
        <location filename="../energy_notes.py" line="32"/>
        <source>This period has not begun.</source>
        <translation>该时段尚未开始。</translation>
    </message>
    <message>
        <location filename="../energy_notes.py" line="34"/>
        <source>Complete period.</source>
        <translation>完整时段。</translation>
    </message>
    <message>
        <location filename="../energy_notes.py" line="36"/>
        <source>Day in progress, up to %1.</source>
        <translation>当日进行中，截至 %1。</translation>
    </message>
    <message>
        <location filename="../energy_notes.py" line="37"/>
        <source>Month in progress, up to %1.</source>
        <translation>当月进行中，截至 %1。</translation>
    </message>
    <message>
        <location filename="../energy_notes.py" line="38"/>
        <source>Year in progress, up to %1.</source>
        <translation>当年进行中，截至 %1。</translation>
    </message>
    <message>
        <location filename="../energy_notes.py" line="44"/>
        <location filename="../energy_page.py" line="200"/>
        <source>PV</source>
        <translation>光伏</translation>
    </message>
    <message>
        <location filename="../energy_notes.py" line="45"/>
        <location filename="../energy_notes.py" line="46"/>
        <source>grid</source>
        <translation>电网</translation>
    </message>
    <message>
        <location filename="../energy_notes.py" line="47"/>
        <location filename="../energy_notes.py" line="48"/>
        <source>storage</source>
        <translation>储能</translation>
    </message>
    <message>
        <location filename="../energy_notes.py" line="66"/>
        <source>Newest data: %1; the buckets after the oldest of these are partial.</source>
        <translation>最新数据：%1；其中最早时刻之后的时段为部分值。</translation>
    </message>
    <message>
        <location filename="../energy_notes.py" line="75"/>
        <source>No data in this period.</source>
        <translation>该时段无数据。</translation>
    </message>
    <message>
        <location filename="../energy_notes.py" line="80"/>
        <source>No data in %1 of the %2 elapsed %3 (grey bands).</source>
        <translation>已过去的 %2 个%3中有 %1 个无数据（灰色区域）。</translation>
    </message>
    <message>
        <location filename="../energy_notes.py" line="90"/>
        <source>Hatched bars are partial sums: the data covers only part of %1 %2.</source>
        <translation>斜线柱为部分值：有 %1 个%2的数据只覆盖其中一部分。</translation>
    </message>
    <message>
        <location filename="../energy_notes.py" line="99"/>
        <source>and %1 more</source>
        <translation>及另外 %1 台</translation>
    </message>
    <message>
        <location filename="../energy_notes.py" line="100"/>
        <source>Hatched bars are partial sums: no readings from %1.</source>
        <translation>斜线柱为部分值：以下设备无读数：%1。</translation>
    </message>
    <message>
        <location filename="../energy_notes.py" line="107"/>
        <source>Integrated from power (no energy counter): %1.</source>
        <translation>由功率积分得出（无电能计数器）：%1。</translation>
    </message>
    <message>
        <location filename="../energy_notes.py" line="117"/>
        <source>%1 to %2</source>
        <translation>%1 至 %2</translation>
    </message>
    <message>
        <location filename="../energy_notes.py" line="127"/>
        <source>Compared over the same elapsed time: previous %1, a year before %2.</source>
        <translation>按相同的已过时长比较：上一时段 %1，去年同期 %2。</translation>
    </message>
    <message>
        <location filename="../energy_notes.py" line="129"/>
        <source>Compared with the previous period (%1) and the same period a year before (%2).</source>
        <translation>与上一时段（%1）及去年同期（%2）比较。</translation>
    </message>
    <message>
        <location filename="../energy_notes.py" line="132"/>
        <source>A comparison without data shows —.</source>
        <translation>无数据的比较显示为 —。</translation>
    </message>
    <message>
        <location filename="../energy_notes.py" line="139"/>
        <source>No tariff in the site configuration: no costs or savings.</source>
        <translation>站点配置中没有电价：不显示电费和节省。</translation>
    </message>
    <message>
        <location filename="../energy_notes.py" line="141"/>
        <source>Costs not shown: %1</source>
        <translation>未显示电费：%1</translation>
    </message>
    <message>
        <location filename="../energy_notes.py" line="143"/>
        <source>Reading the costs…</source>
        <translation>正在读取电费…</translation>
    </message>
    <message>
        <location filename="../energy_notes.py" line="145"/>
        <source>per hour</source>
        <translation>按小时</translation>
    </message>
    <message>
        <location filename="../energy_notes.py" line="145"/>
        <source>per quarter hour</source>
        <translation>按 15 分钟</translation>
    </message>
    <message>
        <location filename="../energy_notes.py" line="146"/>
        <source>(unnamed)</source>
        <translation>（未命名）</translation>
    </message>
    <message>
        <location filename="../energy_notes.py" line="148"/>
        <source>Costs and savings on the tariff %1 recorded in the database, priced %2, as in the monthly report.</source>
        <translation>电费与节省按数据库中记录的电价“%1”计算，%2计价，与月报一致。</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="61"/>
        <source>Figure</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="62"/>
        <source>This period</source>
        <translation>本时段</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="63"/>
        <source>Previous period</source>
        <translation>上一时段</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="64"/>
        <location filename="../energy_page.py" line="66"/>
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="65"/>
        <source>A year before</source>
        <translation>去年同期</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="182"/>
        <location filename="../energy_page.py" line="185"/>
        <source>Energy</source>
        <translation>电量</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="186"/>
        <source>Day</source>
        <translation>日</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="186"/>
        <source>Month</source>
        <translation>月</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="186"/>
        <source>Year</source>
        <translation>年</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="188"/>
        <source>◀ Previous</source>
        <translation>◀ 上一个</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="189"/>
        <source>Next ▶</source>
        <translation>下一个 ▶</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="190"/>
        <source>The previous period (PgUp)</source>
        <translation>上一时段（PgUp）</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="191"/>
        <source>The next period (PgDown)</source>
        <translation>下一时段（PgDown）</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="192"/>
        <source>Back to the current period (Home)</source>
        <translation>回到当前时段（Home）</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="201"/>
        <source>consumption</source>
        <translation>用电</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="202"/>
        <source>grid import</source>
        <translation>电网购电</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="203"/>
        <source>grid export</source>
        <translation>上网电量</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="204"/>
        <source>storage discharge</source>
        <translation>储能放电</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="205"/>
        <source>storage charge</source>
        <translation>储能充电</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="217"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="217"/>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="217"/>
        <source>This year</source>
        <translation>今年</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="233"/>
        <source>Could not read the figures: %1</source>
        <translation>无法读取数据：%1</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="235"/>
        <source>Reading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="251"/>
        <source>%1: not yet.</source>
        <translation>%1：尚未到达。</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="253"/>
        <source>%1: no data.</source>
        <translation>%1：无数据。</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="256"/>
        <source>consumption %1 kWh</source>
        <translation>用电 %1 kWh</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="258"/>
        <source>PV %1 kWh</source>
        <translation>光伏 %1 kWh</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="259"/>
        <source>import %1 kWh</source>
        <translation>购电 %1 kWh</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="260"/>
        <source>export %1 kWh</source>
        <translation>上网 %1 kWh</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="261"/>
        <source>charge %1 kWh</source>
        <translation>充电 %1 kWh</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="262"/>
        <source>discharge %1 kWh</source>
        <translation>放电 %1 kWh</translation>
    </message>
    <message>
        <location filename="../energy_page.py" line="270"/>
        <source>(partial: some devices did not report)</source>
        <translation>（部分值：部分设备未上报）</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="36"/>
        <source>Jan</source>
        <translation>1月</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="37"/>
        <source>Feb</source>
        <translation>2月</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="38"/>
        <source>Mar</source>
        <translation>3月</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="39"/>
        <source>Apr</source>
        <translation>4月</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="40"/>
        <source>May</source>
        <translation>5月</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="41"/>
        <source>Jun</source>
        <translation>6月</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="42"/>
        <source>Jul</source>
        <translation>7月</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="43"/>
        <source>Aug</source>
        <translation>8月</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="44"/>
        <source>Sep</source>
        <translation>9月</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="45"/>
        <source>Oct</source>
        <translation>10月</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="46"/>
        <source>Nov</source>
        <translation>11月</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="47"/>
        <source>Dec</source>
        <translation>12月</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="81"/>
        <source>hour</source>
        <translation>小时</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="81"/>
        <source>hours</source>
        <translation>小时</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="83"/>
        <source>day</source>
        <translation>天</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="83"/>
        <source>days</source>
        <translation>天</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="84"/>
        <source>month</source>
        <translation>月</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="84"/>
        <source>months</source>
        <translation>月</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="119"/>
        <source>PV generation (kWh)</source>
        <translation>光伏发电量（kWh）</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="120"/>
        <source>Consumption (kWh)</source>
        <translation>用电量（kWh）</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="121"/>
        <source>Grid import (kWh)</source>
        <translation>电网购电量（kWh）</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="122"/>
        <source>Grid export (kWh)</source>
        <translation>上网电量（kWh）</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="123"/>
        <source>Storage charge (kWh)</source>
        <translation>储能充电量（kWh）</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="124"/>
        <source>Storage discharge (kWh)</source>
        <translation>储能放电量（kWh）</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="125"/>
        <source>Self-consumption (%)</source>
        <translation>自发自用率（%）</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="126"/>
        <source>Self-sufficiency (%)</source>
        <translation>自给率（%）</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="127"/>
        <source>Avoided CO₂ (t)</source>
        <translation>CO₂ 减排量（t）</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="130"/>
        <source>Energy cost (%1)</source>
        <translation>电费（%1）</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="131"/>
        <source>Saved by PV (%1)</source>
        <translation>光伏节省（%1）</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="133"/>
        <source>Saved by storage (%1)</source>
        <translation>储能节省（%1）</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="139"/>
        <source>Saved in total (%1)</source>
        <translation>合计节省（%1）</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="141"/>
        <source>Peak 15-min demand (kW)</source>
        <translation>15 分钟最大需量（kW）</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="142"/>
        <source>Demand charge (%1)</source>
        <translation>需量电费（%1）</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="184"/>
        <source>%1 pp</source>
        <translation>%1 个百分点</translation>
    </message>
    <message>
        <location filename="../energy_texts.py" line="198"/>
        <source>A partial sum: some devices have no data in part of the period.</source>
        <translation>部分值：部分设备在该时段的部分时间内无数据。</translation>
    </message>
</context>
<context>
    <name>EventTableModel</name>
    <message>
        <location filename="../event_table.py" line="53"/>
        <source>info</source>
        <translation>信息</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="54"/>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="55"/>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="56"/>
        <source>critical</source>
        <translation>严重</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="58"/>
        <source>collector</source>
        <translation>采集器</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="61"/>
        <source>Collector started</source>
        <translation>采集器已启动</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="62"/>
        <source>Collector stopped</source>
        <translation>采集器已停止</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="63"/>
        <source>Device offline</source>
        <translation>设备离线</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="64"/>
        <source>Device degraded</source>
        <translation>设备降级</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="65"/>
        <source>Device recovered</source>
        <translation>设备已恢复</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="66"/>
        <source>Device complete again</source>
        <translation>设备数据恢复完整</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="67"/>
        <source>Implausible value</source>
        <translation>不合理数值</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="68"/>
        <source>SunSpec discovered</source>
        <translation>已识别 SunSpec</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="69"/>
        <source>Store maintenance failed</source>
        <translation>数据库维护失败</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="70"/>
        <source>Counter wrapped</source>
        <translation>计数器回绕</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="71"/>
        <source>Counter reset</source>
        <translation>计数器复位</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="72"/>
        <source>Meter replaced</source>
        <translation>电表已更换</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="73"/>
        <source>Data frozen</source>
        <translation>数据冻结</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="74"/>
        <source>Data stale</source>
        <translation>数据未更新</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="75"/>
        <source>Value out of range</source>
        <translation>数值超出物理范围</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="76"/>
        <source>Data normal again</source>
        <translation>数据恢复正常</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="77"/>
        <source>Database writing stopped</source>
        <translation>数据库写入中断</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="78"/>
        <source>Database writing resumed</source>
        <translation>数据库写入恢复</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="79"/>
        <source>Database file damaged</source>
        <translation>数据库文件损坏</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="80"/>
        <source>Alarm raised</source>
        <translation>告警触发</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="81"/>
        <source>Alarm cleared</source>
        <translation>告警解除</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="145"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="146"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="148"/>
        <source>Severity</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="150"/>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="151"/>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../event_table.py" line="152"/>
        <source>Acknowledged</source>
        <translation>已确认</translation>
    </message>
</context>
<context>
    <name>EventsPage</name>
    <message>
        <location filename="../events_page.py" line="171"/>
        <source>Events</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../events_page.py" line="174"/>
        <source>Active alarms</source>
        <translation>当前告警</translation>
    </message>
    <message>
        <location filename="../events_page.py" line="175"/>
        <source>No active alarms.</source>
        <translation>当前无告警。</translation>
    </message>
    <message>
        <location filename="../events_page.py" line="176"/>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <location filename="../events_page.py" line="177"/>
        <source>Severity:</source>
        <translation>级别：</translation>
    </message>
    <message>
        <location filename="../events_page.py" line="178"/>
        <source>Time:</source>
        <translation>时间：</translation>
    </message>
    <message>
        <location filename="../events_page.py" line="179"/>
        <source>Unacknowledged only</source>
        <translation>仅未确认</translation>
    </message>
    <message>
        <location filename="../events_page.py" line="180"/>
        <source>Acknowledge selected…</source>
        <translation>确认所选…</translation>
    </message>
    <message>
        <location filename="../events_page.py" line="181"/>
        <source>All devices</source>
        <translation>全部设备</translation>
    </message>
    <message>
        <location filename="../events_page.py" line="182"/>
        <source>Collector (no device)</source>
        <translation>采集器（无设备）</translation>
    </message>
    <message>
        <location filename="../events_page.py" line="183"/>
        <source>All severities</source>
        <translation>全部级别</translation>
    </message>
    <message>
        <location filename="../events_page.py" line="183"/>
        <source>Warnings and errors</source>
        <translation>警告和错误</translation>
    </message>
    <message>
        <location filename="../events_page.py" line="183"/>
        <source>Errors only</source>
        <translation>仅错误</translation>
    </message>
    <message>
        <location filename="../events_page.py" line="185"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../events_page.py" line="185"/>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <location filename="../events_page.py" line="185"/>
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="41"/>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="44"/>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="45"/>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分钟</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="53"/>
        <source>at least %1</source>
        <translation>至少 %1</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="68"/>
        <source>%1 Active for %2 (since %3 or earlier).</source>
        <translation>%1已持续 %2（自 %3 或更早起）。</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="70"/>
        <source>%1 Active for %2 (since %3).</source>
        <translation>%1已持续 %2（自 %3 起）。</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="94"/>
        <source>%1 [%2]: active for %3 (since %4); raised: %5</source>
        <translation>%1 [%2]：已持续 %3（自 %4 起）；触发时：%5</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="102"/>
        <source>(acknowledged by %1)</source>
        <translation>（已由 %1 确认）</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="119"/>
        <source>%1 is offline: no reading since the start.</source>
        <translation>%1 离线：启动以来没有读数。</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="122"/>
        <source>%1 is offline: no fresh reading since %2.</source>
        <translation>%1 离线：自 %2 起没有新读数。</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="126"/>
        <source>%1 is offline: the last poll at %2 failed (%3).</source>
        <translation>%1 离线：%2 的最近一次轮询失败（%3）。</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="132"/>
        <source>%1 is offline: the last poll at %2 got no answer.</source>
        <translation>%1 离线：%2 的最近一次轮询没有应答。</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="137"/>
        <source>%1: state of charge %2 % is below %3 %.</source>
        <translation>%1：荷电状态 %2 % 低于 %3 %。</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="138"/>
        <source>%1: state of charge %2 % is above %3 %.</source>
        <translation>%1：荷电状态 %2 % 高于 %3 %。</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="139"/>
        <source>%1: temperature %2 °C is below %3 °C.</source>
        <translation>%1：温度 %2 °C 低于 %3 °C。</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="140"/>
        <source>%1: temperature %2 °C is above %3 °C.</source>
        <translation>%1：温度 %2 °C 高于 %3 °C。</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="145"/>
        <source>%1: implausible %2 rejected at %3 (%4 unacknowledged events).</source>
        <translation>%1：%3 时 %2 数值不合理，已拒收（%4 个未确认事件）。</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="157"/>
        <location filename="../alarm_texts.py" line="161"/>
        <source>%1 for %2</source>
        <translation>%1 已持续 %2</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="167"/>
        <source>%1 offline</source>
        <translation>%1 离线</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="169"/>
        <source>%1 SoC %2 %</source>
        <translation>%1 荷电状态 %2 %</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="171"/>
        <source>%1 %2 °C</source>
        <translation>%1 温度 %2 °C</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="172"/>
        <source>%1 implausible %2</source>
        <translation>%1 的 %2 不合理</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="194"/>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="196"/>
        <source>1 active alarm: %1</source>
        <translation>1 条当前告警：%1</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="199"/>
        <source>%1 active alarms: %2 and %3 more</source>
        <translation>%1 条当前告警：%2 等（另有 %3 条）</translation>
    </message>
    <message>
        <location filename="../alarm_texts.py" line="204"/>
        <source>%1 active alarms: %2</source>
        <translation>%1 条当前告警：%2</translation>
    </message>
    <message>
        <location filename="../events_page.py" line="195"/>
        <source>Reading the events failed: %1</source>
        <translation>读取事件失败：%1</translation>
    </message>
    <message>
        <location filename="../events_page.py" line="197"/>
        <source>Reading the events…</source>
        <translation>正在读取事件…</translation>
    </message>
    <message>
        <location filename="../events_page.py" line="197"/>
        <source>Waiting for the site…</source>
        <translation>正在等待站点…</translation>
    </message>
    <message>
        <location filename="../events_page.py" line="200"/>
        <source>Showing the newest %1 events; narrow the filters to see older ones.</source>
        <translation>显示最新的 %1 个事件；缩小筛选范围可查看更早的事件。</translation>
    </message>
    <message>
        <location filename="../events_page.py" line="204"/>
        <source>%1 events.</source>
        <translation>%1 个事件。</translation>
    </message>
    <message>
        <location filename="../events_page.py" line="206"/>
        <source>Acknowledging failed: %1</source>
        <translation>确认失败：%1</translation>
    </message>
    <message>
        <location filename="../events_page.py" line="346"/>
        <source>This window only views the database: another energymon process (the collector) writes it. Acknowledge events in that process&apos;s window.</source>
        <translation>此窗口仅查看数据库：由另一个 energymon 进程（采集器）写入。请在该进程的窗口中确认事件。</translation>
    </message>
    <message>
        <location filename="../events_page.py" line="353"/>
        <source>Acknowledging is possible once this window collects (its collector has not started yet).</source>
        <translation>此窗口开始采集后即可确认（其采集器尚未启动）。</translation>
    </message>
    <message>
        <location filename="../events_page.py" line="358"/>
        <source>Select unacknowledged events in the table, then acknowledge them with your name.</source>
        <translation>在表格中选择未确认的事件，然后以您的名字确认。</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <location filename="../first_run.py" line="106"/>
        <source>energymon: first start</source>
        <translation>energymon：首次启动</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="107"/>
        <source>Welcome to energymon</source>
        <translation>欢迎使用 energymon</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="110"/>
        <source>energymon watches the PV inverters, storage and meters of an industrial park over Modbus, logs them to a database and shows them live.</source>
        <translation>energymon 通过 Modbus 监视工业园区的光伏逆变器、储能和电表，记录到数据库并实时显示。</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="116"/>
        <source>The last site could not be opened again:</source>
        <translation>无法再次打开上次的站点：</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="117"/>
        <source>Open the demo park</source>
        <translation>打开演示园区</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="118"/>
        <source>Simulated devices on this computer: nothing to set up</source>
        <translation>在本机模拟的设备：无需任何设置</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="119"/>
        <source>Open a site configuration…</source>
        <translation>打开站点配置…</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="120"/>
        <source>A site&apos;s TOML file: its devices are polled and logged</source>
        <translation>站点配置文件：轮询并记录其中的设备</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="121"/>
        <source>View a database…</source>
        <translation>查看数据库…</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="122"/>
        <source>Only view a database that a collector writes</source>
        <translation>只查看由采集程序写入的数据库</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="123"/>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="133"/>
        <source>Checking {file}…</source>
        <translation>正在检查 {file}…</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="136"/>
        <source>This file cannot be opened:</source>
        <translation>无法打开此文件：</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="160"/>
        <source>Open a site configuration</source>
        <translation>打开站点配置</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="160"/>
        <source>Site configuration (*.toml)</source>
        <translation>站点配置 (*.toml)</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="165"/>
        <source>View a database</source>
        <translation>查看数据库</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="165"/>
        <source>energymon database (*.db)</source>
        <translation>energymon 数据库 (*.db)</translation>
    </message>
</context>
<context>
    <name>FlowDiagram</name>
    <message>
        <location filename="../flow_diagram.py" line="166"/>
        <source>PV</source>
        <translation>光伏</translation>
    </message>
    <message>
        <location filename="../flow_diagram.py" line="167"/>
        <source>Storage</source>
        <translation>储能</translation>
    </message>
    <message>
        <location filename="../flow_diagram.py" line="168"/>
        <source>Grid</source>
        <translation>电网</translation>
    </message>
    <message>
        <location filename="../flow_diagram.py" line="169"/>
        <source>Loads</source>
        <translation>负荷</translation>
    </message>
    <message>
        <location filename="../flow_diagram.py" line="171"/>
        <source>Live power flows. Arrow width grows with power.</source>
        <translation>实时功率流向。箭头越粗，功率越大。</translation>
    </message>
    <message>
        <location filename="../flow_diagram.py" line="177"/>
        <source>no fresh reading</source>
        <translation>无最新读数</translation>
    </message>
    <message>
        <location filename="../flow_diagram.py" line="180"/>
        <source>generating</source>
        <translation>发电中</translation>
    </message>
    <message>
        <location filename="../flow_diagram.py" line="180"/>
        <source>not generating</source>
        <translation>未发电</translation>
    </message>
    <message>
        <location filename="../flow_diagram.py" line="183"/>
        <source>discharging</source>
        <translation>放电中</translation>
    </message>
    <message>
        <location filename="../flow_diagram.py" line="185"/>
        <source>charging</source>
        <translation>充电中</translation>
    </message>
    <message>
        <location filename="../flow_diagram.py" line="187"/>
        <source>idle</source>
        <translation>待机</translation>
    </message>
    <message>
        <location filename="../flow_diagram.py" line="191"/>
        <source>importing</source>
        <translation>下网（购电）</translation>
    </message>
    <message>
        <location filename="../flow_diagram.py" line="193"/>
        <source>exporting</source>
        <translation>上网（售电）</translation>
    </message>
    <message>
        <location filename="../flow_diagram.py" line="195"/>
        <source>no exchange</source>
        <translation>与电网无交换</translation>
    </message>
    <message>
        <location filename="../flow_diagram.py" line="198"/>
        <source>site consumption</source>
        <translation>园区用电</translation>
    </message>
    <message>
        <location filename="../flow_diagram.py" line="347"/>
        <source>%1 · SoC %2 %</source>
        <translation>%1 · 荷电状态 %2 %</translation>
    </message>
</context>
<context>
    <name>LogButton</name>
    <message>
        <location filename="../log_view.py" line="209"/>
        <source>Show the log…</source>
        <translation>查看日志…</translation>
    </message>
    <message>
        <location filename="../log_view.py" line="212"/>
        <source>The newest lines of the log files: collection start and stop, connections and devices lost and back, database problems.</source>
        <translation>日志文件的最新记录：采集的启动与停止、连接和设备的断开与恢复、数据库问题。</translation>
    </message>
</context>
<context>
    <name>LogDialog</name>
    <message>
        <location filename="../log_view.py" line="143"/>
        <source>The folder could not be opened: %1</source>
        <translation>无法打开文件夹：%1</translation>
    </message>
    <message>
        <location filename="../log_view.py" line="150"/>
        <source>The log could not be read: %1</source>
        <translation>无法读取日志：%1</translation>
    </message>
    <message>
        <location filename="../log_view.py" line="154"/>
        <source>Reading the log…</source>
        <translation>正在读取日志…</translation>
    </message>
    <message>
        <location filename="../log_view.py" line="156"/>
        <source>No log lines yet in %1.</source>
        <translation>%1 中还没有日志记录。</translation>
    </message>
    <message>
        <location filename="../log_view.py" line="160"/>
        <source>The newest %1 lines of %2. Log lines are written in English, for support.</source>
        <translation>%2 的最新 %1 行。日志以英文记录，便于技术支持查阅。</translation>
    </message>
    <message>
        <location filename="../log_view.py" line="167"/>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../log_view.py" line="168"/>
        <source>Folder:</source>
        <translation>文件夹：</translation>
    </message>
    <message>
        <location filename="../log_view.py" line="169"/>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <location filename="../log_view.py" line="170"/>
        <source>File:</source>
        <translation>文件：</translation>
    </message>
    <message>
        <location filename="../log_view.py" line="171"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../main_window.py" line="133"/>
        <source>energymon</source>
        <translation>energymon</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="138"/>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="170"/>
        <source>Collector stopped: </source>
        <translation>采集器已停止：</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="193"/>
        <source>viewing database</source>
        <translation>仅查看数据库</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="193"/>
        <source>collecting</source>
        <translation>采集中</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="196"/>
        <source>CO₂ factor</source>
        <translation>CO₂ 排放因子</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="216"/>
        <source>History: %1</source>
        <translation>历史数据：%1</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="219"/>
        <source>History: %1 % (%2 of %3 days), %4 samples written so far</source>
        <translation>历史数据：%1 %（%3 天中的 %2 天），已写入 %4 个采样</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="226"/>
        <source>History: %1 days, %2 samples, written in %3 s</source>
        <translation>历史数据：%1 天，%2 个采样，用时 %3 秒写入</translation>
    </message>
</context>
<context>
    <name>OverviewPage</name>
    <message>
        <location filename="../overview_page.py" line="141"/>
        <source>Overview</source>
        <translation>概览</translation>
    </message>
    <message>
        <location filename="../overview_page.py" line="144"/>
        <source>PV power</source>
        <translation>光伏功率</translation>
    </message>
    <message>
        <location filename="../overview_page.py" line="145"/>
        <location filename="../overview_page.py" line="162"/>
        <source>Site consumption</source>
        <translation>园区用电</translation>
    </message>
    <message>
        <location filename="../overview_page.py" line="146"/>
        <source>Storage</source>
        <translation>储能</translation>
    </message>
    <message>
        <location filename="../overview_page.py" line="147"/>
        <source>Grid</source>
        <translation>电网</translation>
    </message>
    <message>
        <location filename="../overview_page.py" line="148"/>
        <source>PV energy today</source>
        <translation>今日光伏发电量</translation>
    </message>
    <message>
        <location filename="../overview_page.py" line="149"/>
        <source>Self-sufficiency</source>
        <translation>自给率</translation>
    </message>
    <message>
        <location filename="../overview_page.py" line="150"/>
        <source>PV energy this month</source>
        <translation>本月光伏发电量</translation>
    </message>
    <message>
        <location filename="../overview_page.py" line="151"/>
        <source>PV energy this year</source>
        <translation>今年光伏发电量</translation>
    </message>
    <message>
        <location filename="../overview_page.py" line="152"/>
        <source>Avoided CO₂ today</source>
        <translation>今日二氧化碳减排量</translation>
    </message>
    <message>
        <location filename="../overview_page.py" line="153"/>
        <source>Avoided CO₂ this month</source>
        <translation>本月二氧化碳减排量</translation>
    </message>
    <message>
        <location filename="../overview_page.py" line="154"/>
        <source>Avoided CO₂ this year</source>
        <translation>今年二氧化碳减排量</translation>
    </message>
    <message>
        <location filename="../overview_page.py" line="155"/>
        <source>Coal saved this year</source>
        <translation>今年节约标准煤</translation>
    </message>
    <message>
        <location filename="../overview_page.py" line="156"/>
        <source>tce</source>
        <translation>tce</translation>
    </message>
    <message>
        <location filename="../overview_page.py" line="164"/>
        <source>Power</source>
        <translation>功率</translation>
    </message>
    <message>
        <location filename="../overview_page.py" line="164"/>
        <source>Generation and consumption today</source>
        <translation>今日发电与用电</translation>
    </message>
    <message>
        <location filename="../overview_page.py" line="159"/>
        <source>Grid (+ import)</source>
        <translation>电网（+ 下网）</translation>
    </message>
    <message>
        <location filename="../overview_page.py" line="160"/>
        <source>Storage (+ discharge)</source>
        <translation>储能（+ 放电）</translation>
    </message>
    <message>
        <location filename="../overview_page.py" line="161"/>
        <source>PV generation</source>
        <translation>光伏发电</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="130"/>
        <source>%1 of %2 inverters reporting</source>
        <translation>%2 台逆变器中 %1 台上报数据</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="209"/>
        <source>Balance of PV, storage and grid.</source>
        <translation>由光伏、储能和电网功率平衡得出。</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="186"/>
        <source>PV + storage discharge + grid import − export − storage charge</source>
        <translation>光伏 + 储能放电 + 下网 − 上网 − 储能充电</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="138"/>
        <source>No storage at this site.</source>
        <translation>本站点无储能。</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="63"/>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="65"/>
        <source>%1 and %2 more</source>
        <translation>%1 及另外 %2 台</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="79"/>
        <source>no reading yet</source>
        <translation>尚无读数</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="80"/>
        <source>the poll at %1 read nothing</source>
        <translation>%1 的轮询未读到数据</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="81"/>
        <source>no fresh reading since %1</source>
        <translation>自 %1 起无新读数</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="82"/>
        <source>its value is doubtful (frozen or out of range)</source>
        <translation>数值可疑（冻结或超出范围）</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="83"/>
        <source>its reading has no power value</source>
        <translation>读数中没有功率值</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="87"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="109"/>
        <source>Missing: %1.</source>
        <translation>缺少：%1。</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="111"/>
        <source>The sum of the %1 devices reporting. Not in it:</source>
        <translation>为 %1 台上报设备之和。未计入：</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="125"/>
        <source>No PV inverters at this site.</source>
        <translation>本站点无光伏逆变器。</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="127"/>
        <source>No inverter reporting.</source>
        <translation>没有逆变器上报数据。</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="140"/>
        <source>No fresh storage reading.</source>
        <translation>无储能最新读数。</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="146"/>
        <source>Charging.</source>
        <translation>充电中。</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="148"/>
        <source>Charging. SoC %1 %</source>
        <translation>充电中。荷电状态 %1 %</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="153"/>
        <source>Discharging.</source>
        <translation>放电中。</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="155"/>
        <source>Discharging. SoC %1 %</source>
        <translation>放电中。荷电状态 %1 %</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="160"/>
        <source>Idle.</source>
        <translation>待机。</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="162"/>
        <source>Idle. SoC %1 %</source>
        <translation>待机。荷电状态 %1 %</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="170"/>
        <source>No grid meter at this site.</source>
        <translation>本站点无关口电表。</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="172"/>
        <source>No fresh grid reading.</source>
        <translation>无电网最新读数。</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="175"/>
        <source>Importing from the grid.</source>
        <translation>正在从电网下网（购电）。</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="177"/>
        <source>Exporting to the grid.</source>
        <translation>正在向电网上网（售电）。</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="179"/>
        <source>No exchange with the grid.</source>
        <translation>与电网无交换。</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="189"/>
        <source>No grid meter: the balance cannot be made.</source>
        <translation>无关口电表：无法计算功率平衡。</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="191"/>
        <source>Needs a fresh grid meter reading.</source>
        <translation>需要关口电表的最新读数。</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="196"/>
        <source>Metered loads: %1 kW.</source>
        <translation>计量负荷：%1 kW。</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="199"/>
        <source>Metered loads: %1 kW (%2 of %3 meters).</source>
        <translation>计量负荷：%1 kW（%3 块电表中 %2 块）。</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="205"/>
        <source>Metered loads: no meter reporting.</source>
        <translation>计量负荷：没有电表上报数据。</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="215"/>
        <source>Partial, without %1: the true value is unknown.</source>
        <translation>部分值，未含 %1：真实值未知。</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="219"/>
        <source>Partial, without %1: true value %2 to %3 kW.</source>
        <translation>部分值，未含 %1：真实值在 %2 至 %3 kW 之间。</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="224"/>
        <source>Consumption is a balance: a device left out of it changes the result by its own power. A missing inverter adds 0 up to its rated power, a missing storage unit or grid meter minus to plus its rated power.</source>
        <translation>用电量由功率平衡得出：未计入的设备会使结果偏差其自身的功率。缺少的逆变器使真实值增加 0 至其额定功率，缺少的储能单元或关口电表使其增减至多其额定功率。</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="232"/>
        <source>Not in the balance:</source>
        <translation>未计入平衡：</translation>
    </message>
    <message>
        <location filename="../overview_live.py" line="255"/>
        <source>partial</source>
        <translation>部分</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="57"/>
        <source>No counter data today yet.</source>
        <translation>今日尚无计数器数据。</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="58"/>
        <source>No counter data this month yet.</source>
        <translation>本月尚无计数器数据。</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="59"/>
        <source>No counter data this year yet.</source>
        <translation>今年尚无计数器数据。</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="64"/>
        <source>Since %1 (first data), from counters.</source>
        <translation>自 %1（首条数据）起，按计数器计算。</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="66"/>
        <source>Since 00:00 local time, from counters.</source>
        <translation>自当地时间 00:00 起，按计数器计算。</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="67"/>
        <source>Since the 1st, 00:00 local time, from counters.</source>
        <translation>自本月 1 日当地时间 00:00 起，按计数器计算。</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="68"/>
        <source>Since 1 January, 00:00 local time, from counters.</source>
        <translation>自 1 月 1 日当地时间 00:00 起，按计数器计算。</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="78"/>
        <source>%1 of %2 inverters have data.</source>
        <translation>%2 台逆变器中 %1 台有数据。</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="44"/>
        <source>Reading the database…</source>
        <translation>正在读取数据库…</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="46"/>
        <source>Waiting for the first data.</source>
        <translation>正在等待首条数据。</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="48"/>
        <source>The database could not be read.</source>
        <translation>无法读取数据库。</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="99"/>
        <source>%1: no counter data in this period</source>
        <translation>%1：本时段无计数器数据</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="102"/>
        <source>%1: data ends at %2, counted until then</source>
        <translation>%1：数据截至 %2，计至该时刻</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="109"/>
        <source>Up to date: %1 of %2 devices.</source>
        <translation>数据最新：%2 台设备中 %1 台。</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="113"/>
        <location filename="../overview_live.py" line="107"/>
        <location filename="../overview_live.py" line="234"/>
        <location filename="../overview_live.py" line="253"/>
        <source>%1 of %2</source>
        <translation>%1/%2</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="133"/>
        <source>Behind: %1.</source>
        <translation>数据滞后：%1。</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="145"/>
        <source>(Consumption − import) ÷ consumption, since 00:00, from counters.</source>
        <translation>（用电量 − 下网电量）÷ 用电量，自 00:00 起，按计数器计算。</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="148"/>
        <source>(Consumption − import) ÷ consumption. %1</source>
        <translation>（用电量 − 下网电量）÷ 用电量。%1</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="151"/>
        <source>Today: consumption %1 kWh, grid import %2 kWh.</source>
        <translation>今日：用电量 %1 kWh，下网电量 %2 kWh。</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="158"/>
        <source>Estimated from power (no energy counters): %1.</source>
        <translation>按功率估算（无电能计数器）：%1。</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="163"/>
        <source>Needs counter data of every PV, storage and grid meter today.</source>
        <translation>需要今日每台光伏逆变器、储能和关口电表的计数器数据。</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="171"/>
        <source>Grid emission factor %1 kg CO₂/kWh: %2</source>
        <translation>电网排放因子 %1 kg CO₂/kWh：%2</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="176"/>
        <source>Today&apos;s PV energy × %1 kg/kWh.</source>
        <translation>今日光伏发电量 × %1 kg/kWh。</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="177"/>
        <source>This month&apos;s PV energy × %1 kg/kWh.</source>
        <translation>本月光伏发电量 × %1 kg/kWh。</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="178"/>
        <source>This year&apos;s PV energy × %1 kg/kWh.</source>
        <translation>今年光伏发电量 × %1 kg/kWh。</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="186"/>
        <source>No coal factor available.</source>
        <translation>无可用的标准煤折算系数。</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="190"/>
        <source>This year&apos;s PV energy × %1 kgce/kWh. This month: %2 tce.</source>
        <translation>今年光伏发电量 × %1 kgce/kWh。本月：%2 tce。</translation>
    </message>
    <message>
        <location filename="../overview_energy.py" line="195"/>
        <source>Coal factor: %1</source>
        <translation>标准煤折算系数：%1</translation>
    </message>
</context>
<context>
    <name>PollProblems</name>
    <message>
        <location filename="../poll_problems.py" line="37"/>
        <source>implausible values rejected: %1</source>
        <translation>数值不合理，已拒收：%1</translation>
    </message>
    <message>
        <location filename="../poll_problems.py" line="38"/>
        <source>no value (a read failed): %1</source>
        <translation>缺少数值（读取失败）：%1</translation>
    </message>
    <message>
        <location filename="../poll_problems.py" line="39"/>
        <source>not provided by the device: %1</source>
        <translation>设备未提供：%1</translation>
    </message>
    <message>
        <location filename="../poll_problems.py" line="40"/>
        <source>frozen: %1</source>
        <translation>数值冻结：%1</translation>
    </message>
    <message>
        <location filename="../poll_problems.py" line="41"/>
        <source>no fresh value: %1</source>
        <translation>数值未更新：%1</translation>
    </message>
    <message>
        <location filename="../poll_problems.py" line="42"/>
        <source>out of range: %1</source>
        <translation>超出范围：%1</translation>
    </message>
    <message>
        <location filename="../poll_problems.py" line="44"/>
        <source>a read failed: %1</source>
        <translation>部分读取失败：%1</translation>
    </message>
    <message>
        <location filename="../poll_problems.py" line="46"/>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <location filename="../poll_problems.py" line="47"/>
        <source>, </source>
        <translation>、</translation>
    </message>
</context>
<context>
    <name>ProbeResultModel</name>
    <message>
        <location filename="../probe_table.py" line="25"/>
        <source>not implemented (the dtype&apos;s sentinel value)</source>
        <translation>未实现（该数据类型的无效标记值）</translation>
    </message>
    <message>
        <location filename="../probe_table.py" line="26"/>
        <source>not a number (NaN or infinite)</source>
        <translation>非数值（NaN 或无穷大）</translation>
    </message>
    <message>
        <location filename="../probe_table.py" line="27"/>
        <source>incomplete: the read ends inside this value</source>
        <translation>不完整：读取范围在此数值中间结束</translation>
    </message>
    <message>
        <location filename="../probe_table.py" line="35"/>
        <source>on</source>
        <translation>开</translation>
    </message>
    <message>
        <location filename="../probe_table.py" line="35"/>
        <source>off</source>
        <translation>关</translation>
    </message>
    <message>
        <location filename="../probe_table.py" line="45"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../probe_table.py" line="46"/>
        <source>Hex address</source>
        <translation>十六进制地址</translation>
    </message>
    <message>
        <location filename="../probe_table.py" line="47"/>
        <source>Raw</source>
        <translation>原始值</translation>
    </message>
    <message>
        <location filename="../probe_table.py" line="48"/>
        <source>Decoded</source>
        <translation>解码值</translation>
    </message>
    <message>
        <location filename="../probe_table.py" line="49"/>
        <source>As text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../probe_table.py" line="50"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>ProfilePointModel</name>
    <message>
        <location filename="../profile_points.py" line="31"/>
        <source>holding registers</source>
        <translation>保持寄存器</translation>
    </message>
    <message>
        <location filename="../profile_points.py" line="32"/>
        <source>input registers</source>
        <translation>输入寄存器</translation>
    </message>
    <message>
        <location filename="../profile_points.py" line="33"/>
        <source>coils</source>
        <translation>线圈</translation>
    </message>
    <message>
        <location filename="../profile_points.py" line="34"/>
        <source>discrete inputs</source>
        <translation>离散输入</translation>
    </message>
    <message>
        <location filename="../profile_points.py" line="45"/>
        <source>Block %1: %2 %3-%4 (%5), %6 points</source>
        <translation>块 %1：%2 %3-%4（%5 个），%6 个测点</translation>
    </message>
    <message>
        <location filename="../profile_points.py" line="87"/>
        <source>%1 (part)</source>
        <translation>%1（分量）</translation>
    </message>
    <message>
        <location filename="../profile_points.py" line="101"/>
        <source>%1, high word first</source>
        <translation>%1，高字在前</translation>
    </message>
    <message>
        <location filename="../profile_points.py" line="102"/>
        <source>%1, low word first</source>
        <translation>%1，低字在前</translation>
    </message>
    <message>
        <location filename="../profile_points.py" line="117"/>
        <source>%1 × 10^SF (SF at %2)</source>
        <translation>%1 × 10^SF（SF 位于 %2）</translation>
    </message>
    <message>
        <location filename="../profile_points.py" line="122"/>
        <source>Quantity</source>
        <translation>测量项</translation>
    </message>
    <message>
        <location filename="../profile_points.py" line="123"/>
        <source>Registers</source>
        <translation>寄存器</translation>
    </message>
    <message>
        <location filename="../profile_points.py" line="124"/>
        <source>Type</source>
        <translation>数据类型</translation>
    </message>
    <message>
        <location filename="../profile_points.py" line="126"/>
        <source>Scale</source>
        <translation>比例</translation>
    </message>
    <message>
        <location filename="../profile_points.py" line="129"/>
        <source>The profile&apos;s multiplier from the raw register to the base unit</source>
        <translation>配置文件中从原始寄存器值到基本单位的乘数</translation>
    </message>
    <message>
        <location filename="../profile_points.py" line="132"/>
        <source>Profile value</source>
        <translation>按配置文件解码</translation>
    </message>
    <message>
        <location filename="../profile_points.py" line="135"/>
        <source>The words read, decoded as the collector decodes them</source>
        <translation>读到的寄存器字，按采集器的方式解码</translation>
    </message>
    <message>
        <location filename="../profile_points.py" line="137"/>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../profile_points.py" line="138"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../profile_points.py" line="194"/>
        <source>No register map known for this device</source>
        <translation>此设备没有已知的寄存器映射</translation>
    </message>
</context>
<context>
    <name>PvPage</name>
    <message>
        <location filename="../pv_page.py" line="110"/>
        <location filename="../pv_page.py" line="113"/>
        <source>PV performance</source>
        <translation>光伏性能</translation>
    </message>
    <message>
        <location filename="../pv_page.py" line="114"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../pv_page.py" line="114"/>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <location filename="../pv_page.py" line="114"/>
        <source>This year</source>
        <translation>今年</translation>
    </message>
    <message>
        <source>kWh/kW: the energy per rated kW of each inverter (its rated power in the site configuration); the full-load hours are the same number, in hours at rated power. Ranked by kWh/kW among the inverters whose data covers the whole period; highlighted: below %1 of the park median.</source>
        <translation type="vanished">kWh/kW：每台逆变器每额定 kW 的发电量（额定功率取自站点配置）；等效满发小时数是同一个数，单位为额定功率下的小时。排名只在数据覆盖整个时段的逆变器之间按 kWh/kW 进行；突出显示：低于园区中位数的 %1。</translation>
    </message>
    <message>
        <location filename="../pv_page.py" line="164"/>
        <source>Performance ratio of the park: %1 (plane-of-array irradiation %2 kWh/m² from %3).</source>
        <translation>园区性能比：%1（组件平面辐照量 %2 kWh/m²，来自 %3）。</translation>
    </message>
    <message>
        <source>It is per rated kW as configured: where that is the inverter&apos;s AC rating, the PR per DC kWp is this divided by the array&apos;s DC/AC ratio (so this one may read above 100 %).</source>
        <translation type="vanished">它按配置的额定 kW 计算：若配置的是逆变器的交流额定功率，则按组件直流峰值功率计的性能比为此值除以阵列的直流/交流容配比（因此此值可能高于 100 %）。</translation>
    </message>
    <message>
        <location filename="../pv_page.py" line="135"/>
        <source>kWh/kWp: the energy per kWp of each inverter&apos;s array (its DC peak power in the site configuration); the full-load hours are the same number, in hours at peak power.</source>
        <translation>kWh/kWp：每台逆变器所接阵列每 kWp 的发电量（直流峰值功率取自站点配置）；等效满发小时数是同一个数，单位为峰值功率下的小时。</translation>
    </message>
    <message>
        <location filename="../pv_page.py" line="140"/>
        <source>kWh/kW (AC): the energy per rated AC kW of each inverter. Only some inverters have their array&apos;s DC peak power configured: so that every figure compares, all are per rated AC kW.</source>
        <translation>kWh/kW（交流）：每台逆变器每交流额定 kW 的发电量。只有部分逆变器配置了阵列的直流峰值功率：为使各项数值可以相互比较，全部按交流额定 kW 计算。</translation>
    </message>
    <message>
        <location filename="../pv_page.py" line="145"/>
        <source>kWh/kW (AC): the energy per rated AC kW of each inverter (no DC peak power of the arrays is configured); the full-load hours are the same number, in hours at rated power.</source>
        <translation>kWh/kW（交流）：每台逆变器每交流额定 kW 的发电量（未配置阵列的直流峰值功率）；等效满发小时数是同一个数，单位为额定功率下的小时。</translation>
    </message>
    <message>
        <location filename="../pv_page.py" line="150"/>
        <source>Ranked by specific yield among the inverters whose data covers the whole period; highlighted: below %1 of the park median.</source>
        <translation>排名只在数据覆盖整个时段的逆变器之间按单位容量发电量进行；突出显示：低于园区中位数的 %1。</translation>
    </message>
    <message>
        <location filename="../pv_page.py" line="171"/>
        <source>It is per kWp of the arrays (their DC peak power as configured), as IEC 61724-1 states it, without temperature correction.</source>
        <translation>它按阵列的 kWp（配置的直流峰值功率）计算，与 IEC 61724-1 的定义一致，未作温度修正。</translation>
    </message>
    <message>
        <location filename="../pv_page.py" line="176"/>
        <source>It is per rated AC kW of the inverters: for arrays larger than their inverters the PR per kWp is this divided by the DC/AC ratio, so this one may read above 100 %.</source>
        <translation>它按逆变器的交流额定 kW 计算：阵列容量大于逆变器时，按 kWp 计的性能比为此值除以直流/交流容配比，因此此值可能高于 100 %。</translation>
    </message>
    <message>
        <location filename="../pv_page.py" line="181"/>
        <source>no irradiance sensor is configured</source>
        <translation>未配置辐照度传感器</translation>
    </message>
    <message>
        <location filename="../pv_page.py" line="182"/>
        <source>the irradiance sensor has no data in this period</source>
        <translation>辐照度传感器在此时段没有数据</translation>
    </message>
    <message>
        <location filename="../pv_page.py" line="184"/>
        <source>the irradiance data covers only %1 of the period, at least %2 is needed</source>
        <translation>辐照度数据只覆盖此时段的 %1，至少需要 %2</translation>
    </message>
    <message>
        <location filename="../pv_page.py" line="188"/>
        <source>too little irradiation so far in this period (before sunrise or at dawn)</source>
        <translation>此时段迄今辐照量太少（日出前或黎明）</translation>
    </message>
    <message>
        <location filename="../pv_page.py" line="189"/>
        <source>no inverter&apos;s data covers the whole period</source>
        <translation>没有一台逆变器的数据覆盖整个时段</translation>
    </message>
    <message>
        <location filename="../pv_page.py" line="192"/>
        <source>Performance ratio not shown: %1.</source>
        <translation>不显示性能比：%1。</translation>
    </message>
    <message>
        <location filename="../pv_page.py" line="203"/>
        <source>No comparison with the park median: it needs at least %1 inverters with complete data.</source>
        <translation>不与园区中位数比较：至少需要 %1 台数据完整的逆变器。</translation>
    </message>
    <message>
        <location filename="../pv_page.py" line="208"/>
        <source>No comparison with the park median: too little yield so far in this period.</source>
        <translation>不与园区中位数比较：此时段迄今发电量太少。</translation>
    </message>
    <message>
        <location filename="../pv_page.py" line="212"/>
        <source>Not ranked (their data does not cover the whole period): %1.</source>
        <translation>未排名（数据未覆盖整个时段）：%1。</translation>
    </message>
    <message>
        <location filename="../pv_page.py" line="220"/>
        <source>Could not read the figures: %1</source>
        <translation>无法读取数据：%1</translation>
    </message>
    <message>
        <location filename="../pv_page.py" line="224"/>
        <source>Reading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <location filename="../pv_page.py" line="228"/>
        <source>From %1 to %2 (%3), from the stored rollups.</source>
        <translation>从 %1 到 %2（%3），取自已存储的汇总数据。</translation>
    </message>
</context>
<context>
    <name>PvTable</name>
    <message>
        <location filename="../pv_table.py" line="63"/>
        <source>Rank</source>
        <translation>排名</translation>
    </message>
    <message>
        <source>By kWh/kW, highest first</source>
        <translation type="vanished">按 kWh/kW 排序，最高者在前</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="66"/>
        <source>Inverter</source>
        <translation>逆变器</translation>
    </message>
    <message>
        <source>Rated kW</source>
        <translation type="vanished">额定 kW</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="68"/>
        <source>Energy kWh</source>
        <translation>发电量 kWh</translation>
    </message>
    <message>
        <source>kWh/kW</source>
        <translation type="vanished">kWh/kW</translation>
    </message>
    <message>
        <source>Specific yield: energy per rated kW</source>
        <translation type="vanished">单位容量发电量：每额定 kW 的发电量</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="91"/>
        <location filename="../pv_table.py" line="115"/>
        <source>Full-load h</source>
        <translation>满发小时</translation>
    </message>
    <message>
        <source>Equivalent full-load hours: the hours at rated power that give the energy</source>
        <translation type="vanished">等效满发小时数：以额定功率发出该电量所需的小时数</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="72"/>
        <source>vs. park median</source>
        <translation>相对园区中位数</translation>
    </message>
    <message>
        <source>kWh/kW over the median kWh/kW of the inverters with complete data</source>
        <translation type="vanished">kWh/kW 除以数据完整的逆变器的 kWh/kW 中位数</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="121"/>
        <source>PR</source>
        <translation>性能比</translation>
    </message>
    <message>
        <source>Performance ratio: kWh/kW over the plane-of-array irradiation in kWh/m²</source>
        <translation type="vanished">性能比：kWh/kW 除以以 kWh/m² 计的组件平面辐照量</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="64"/>
        <source>By specific yield, highest first</source>
        <translation>按单位容量发电量排序，最高者在前</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="73"/>
        <source>Specific yield over the median specific yield of the inverters with complete data</source>
        <translation>单位容量发电量与数据完整的逆变器单位容量发电量中位数之比</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="83"/>
        <source>Rated kW (AC)</source>
        <translation>额定 kW（交流）</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="84"/>
        <source>The inverter&apos;s rated AC power, as configured</source>
        <translation>逆变器的交流额定功率（取自配置）</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="87"/>
        <source>kWh/kW (AC)</source>
        <translation>kWh/kW（交流）</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="88"/>
        <source>Specific yield: energy per rated AC kW of the inverter</source>
        <translation>单位容量发电量：逆变器每交流额定 kW 的发电量</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="92"/>
        <source>Equivalent full-load hours: the hours at rated AC power that give the energy</source>
        <translation>等效满发小时数：以交流额定功率发出该电量所需的小时数</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="97"/>
        <source>PR (AC)</source>
        <translation>性能比（交流）</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="98"/>
        <source>Performance ratio per rated AC kW: kWh/kW over the plane-of-array irradiation in kWh/m²; the DC/AC ratio times the PR per kWp</source>
        <translation>按交流额定 kW 计的性能比：kWh/kW 除以以 kWh/m² 计的组件平面辐照量；等于按 kWp 计的性能比乘以直流/交流容配比</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="107"/>
        <source>kWp</source>
        <translation>kWp</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="108"/>
        <source>The array&apos;s DC peak power, as configured</source>
        <translation>阵列的直流峰值功率（取自配置）</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="111"/>
        <source>kWh/kWp</source>
        <translation>kWh/kWp</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="112"/>
        <source>Specific yield: energy per kWp of the array</source>
        <translation>单位容量发电量：阵列每 kWp 的发电量</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="116"/>
        <source>Equivalent full-load hours: the hours at the array&apos;s peak power that give the energy</source>
        <translation>等效满发小时数：以阵列峰值功率发出该电量所需的小时数</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="122"/>
        <source>Performance ratio: kWh/kWp over the plane-of-array irradiation in kWh/m²</source>
        <translation>性能比：kWh/kWp 除以以 kWh/m² 计的组件平面辐照量</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="146"/>
        <source>%1 of the park median: below %2</source>
        <translation>为园区中位数的 %1：低于 %2</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="151"/>
        <source>No energy data in this period</source>
        <translation>此时段没有发电量数据</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="154"/>
        <source>Not ranked: its data covers %1 h of the period, not all of it</source>
        <translation>未排名：其数据只覆盖此时段中的 %1 小时，而非全部</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="160"/>
        <source>%1 (low)</source>
        <translation>%1（偏低）</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="176"/>
        <source>Park (%1 of %2 inverters)</source>
        <translation>园区（%2 台逆变器中的 %1 台）</translation>
    </message>
    <message>
        <location filename="../pv_table.py" line="177"/>
        <source>Over the inverters whose data covers the whole period</source>
        <translation>按数据覆盖整个时段的逆变器计算</translation>
    </message>
</context>
<context>
    <name>QuantityTableModel</name>
    <message>
        <location filename="../quantity_labels.py" line="13"/>
        <source>Active power</source>
        <translation>有功功率</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="14"/>
        <source>PV energy generated</source>
        <translation>光伏发电量</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="15"/>
        <source>PV DC input power</source>
        <translation>光伏直流输入功率</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="16"/>
        <source>Internal temperature</source>
        <translation>内部温度</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="17"/>
        <source>Operating state code (vendor)</source>
        <translation>运行状态码（厂家定义）</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="18"/>
        <source>State of charge</source>
        <translation>荷电状态</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="19"/>
        <source>State of health</source>
        <translation>健康状态</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="20"/>
        <source>Energy charged</source>
        <translation>充电量</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="21"/>
        <source>Energy discharged</source>
        <translation>放电量</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="22"/>
        <source>Energy consumed</source>
        <translation>用电量</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="23"/>
        <source>Energy imported from the grid</source>
        <translation>下网电量（从电网购电）</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="24"/>
        <source>Energy exported to the grid</source>
        <translation>上网电量（向电网售电）</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="25"/>
        <source>Voltage L1</source>
        <translation>L1 相电压</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="26"/>
        <source>Voltage L2</source>
        <translation>L2 相电压</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="27"/>
        <source>Voltage L3</source>
        <translation>L3 相电压</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="28"/>
        <source>Current L1</source>
        <translation>L1 相电流</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="29"/>
        <source>Current L2</source>
        <translation>L2 相电流</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="30"/>
        <source>Current L3</source>
        <translation>L3 相电流</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="31"/>
        <source>Frequency</source>
        <translation>频率</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="32"/>
        <source>Power factor</source>
        <translation>功率因数</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="33"/>
        <source>Reactive power</source>
        <translation>无功功率</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="34"/>
        <source>Voltage L1-L2</source>
        <translation>L1-L2 线电压</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="35"/>
        <source>Voltage L2-L3</source>
        <translation>L2-L3 线电压</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="36"/>
        <source>Voltage L3-L1</source>
        <translation>L3-L1 线电压</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="37"/>
        <source>CT ratio (in the meter)</source>
        <translation>电流互感器变比（表内设置）</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="38"/>
        <source>PT ratio (in the meter)</source>
        <translation>电压互感器变比（表内设置）</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="39"/>
        <source>Irradiance (plane of array)</source>
        <translation>辐照度（组件平面）</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="42"/>
        <source>measurement</source>
        <translation>测量值</translation>
    </message>
    <message>
        <location filename="../quantity_labels.py" line="43"/>
        <source>counter</source>
        <translation>计数器</translation>
    </message>
    <message>
        <location filename="../quantity_table.py" line="61"/>
        <source>Quantity</source>
        <translation>测量项</translation>
    </message>
    <message>
        <location filename="../quantity_table.py" line="64"/>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../quantity_table.py" line="65"/>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../quantity_table.py" line="67"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../quantity_table.py" line="70"/>
        <source>Name</source>
        <translation>标识名</translation>
    </message>
</context>
<context>
    <name>RegisterInspector</name>
    <message>
        <location filename="../register_inspector.py" line="154"/>
        <source>Profile block</source>
        <translation>配置文件寄存器块</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="157"/>
        <source>Connection</source>
        <translation>连接</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="158"/>
        <source>Host</source>
        <translation>主机</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="159"/>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="160"/>
        <source>Transport</source>
        <translation>传输方式</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="161"/>
        <source>Unit id</source>
        <translation>从站地址</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="162"/>
        <source>Table</source>
        <translation>寄存器类型</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="163"/>
        <source>Start address</source>
        <translation>起始地址</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="164"/>
        <source>Count</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="165"/>
        <source>Data type</source>
        <translation>数据类型</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="166"/>
        <source>Word order</source>
        <translation>字序</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="167"/>
        <source>Read</source>
        <translation>读取</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="171"/>
        <source>Holding registers (function 3)</source>
        <translation>保持寄存器（功能码 3）</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="172"/>
        <source>Input registers (function 4)</source>
        <translation>输入寄存器（功能码 4）</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="173"/>
        <source>Coils (function 1)</source>
        <translation>线圈（功能码 1）</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="174"/>
        <source>Discrete inputs (function 2)</source>
        <translation>离散输入（功能码 2）</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="178"/>
        <source>High word first (big-endian)</source>
        <translation>高字在前（大端）</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="178"/>
        <source>Low word first (little-endian)</source>
        <translation>低字在前（小端）</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="184"/>
        <source>Addresses are zero-based, as sent on the wire (register 40001 of a manual is often address 0). The inspector only reads: it sends function codes 1 to 4 and nothing else.</source>
        <translation>地址从 0 开始，与总线上实际发送的地址一致（手册中的寄存器 40001 通常对应地址 0）。本检查工具只读：仅发送功能码 1 至 4，不发送任何其他报文。</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="189"/>
        <source>A connection of the site, or an address typed below.</source>
        <translation>选择站点的某个连接，或在下方输入地址。</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="198"/>
        <source>Other address (typed below)</source>
        <translation>其他地址（在下方输入）</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="202"/>
        <source>%1 — %2 (%3)</source>
        <translation>%1 — %2（%3）</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="325"/>
        <source>Type the host name or IP address of the device.</source>
        <translation>请输入设备的主机名或 IP 地址。</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="332"/>
        <source>The read would end at address %1, beyond the last address %2. Lower the start address or the count.</source>
        <translation>读取将结束于地址 %1，超出最大地址 %2。请减小起始地址或数量。</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="346"/>
        <source>The collector is polling the serial port %1, which only one program can open at a time. Read its registers with the collector stopped (energymon gui --no-collect).</source>
        <translation>采集器正在轮询串口 %1，该串口同一时间只能被一个程序打开。请在采集器停止时读取其寄存器（energymon gui --no-collect）。</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="358"/>
        <source>Reading from %1, unit %2…</source>
        <translation>正在从 %1（从站地址 %2）读取…</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="370"/>
        <source>The read could not be made: %1</source>
        <translation>无法执行读取：%1</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="383"/>
        <source>%1 bits</source>
        <translation>%1 位</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="383"/>
        <source>%1 registers</source>
        <translation>%1 个寄存器</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="385"/>
        <source>Read %1 from %2, unit %3, in %4 ms.</source>
        <translation>已从 %2（从站地址 %3）读取 %1，耗时 %4 ms。</translation>
    </message>
    <message>
        <location filename="../register_inspector.py" line="393"/>
        <source>The collector polls this RTU gateway too; a poll that met this read on the bus may have failed.</source>
        <translation>采集器也在轮询此 RTU 网关；与本次读取在总线上冲突的轮询可能已失败。</translation>
    </message>
    <message>
        <location filename="../transformer_text.py" line="33"/>
        <source>%1 at holding register %2</source>
        <translation>%1 位于保持寄存器 %2</translation>
    </message>
    <message>
        <location filename="../transformer_text.py" line="34"/>
        <source>%1 at input register %2</source>
        <translation>%1 位于输入寄存器 %2</translation>
    </message>
    <message>
        <location filename="../transformer_text.py" line="43"/>
        <source>%1: the meter holds its transformer ratios (%2). Its raw registers are secondary values; energymon multiplies them by the ratios it reads there.</source>
        <translation>%1：电表内设有互感器变比（%2）。其原始寄存器为二次侧数值；energymon 按从中读出的变比换算为一次侧数值。</translation>
    </message>
    <message>
        <location filename="../transformer_text.py" line="54"/>
        <source>%1: CT ratio %2 and PT ratio %3 from the site config. Raw registers are secondary values; energymon stores currents x %2, voltages x %3, power and energy x %4.</source>
        <translation>%1：站点配置中的电流互感器变比 %2、电压互感器变比 %3。原始寄存器为二次侧数值；energymon 存储时电流 ×%2，电压 ×%3，功率和电量 ×%4。</translation>
    </message>
</context>
<context>
    <name>ReportsPage</name>
    <message>
        <location filename="../reports_page.py" line="159"/>
        <source>Reports</source>
        <translation>报表</translation>
    </message>
    <message>
        <location filename="../reports_page.py" line="167"/>
        <location filename="../reports_page.py" line="170"/>
        <source>Monthly report</source>
        <translation>月度报表</translation>
    </message>
    <message>
        <location filename="../reports_page.py" line="167"/>
        <location filename="../reports_page.py" line="171"/>
        <source>Annual report</source>
        <translation>年度报表</translation>
    </message>
    <message>
        <location filename="../report_status.py" line="80"/>
        <source>One row per month and the year&apos;s total: PV generation, consumption, grid import and export, storage, self-consumption and self-sufficiency, avoided CO₂ (with the emission factor&apos;s data year and source), coal saved, peak 15-minute demand and data coverage. Each month is its monthly report&apos;s total. The PDF adds monthly charts, the carbon reduction of the year and data quality by month.</source>
        <translation>每月一行并附全年合计行：光伏发电量、用电量、下网与上网电量、储能、自发自用率与自给率、二氧化碳减排量（注明排放因子的数据年份与来源）、节约标准煤、15 分钟最大需量以及数据覆盖率。每月数据即该月月度报表的合计。PDF 另含每月图表、年度碳减排和各月数据质量。</translation>
    </message>
    <message>
        <location filename="../reports_page.py" line="169"/>
        <source>Report:</source>
        <translation>报表类型：</translation>
    </message>
    <message>
        <location filename="../reports_page.py" line="172"/>
        <source>Year:</source>
        <translation>年份：</translation>
    </message>
    <message>
        <location filename="../reports_page.py" line="179"/>
        <source>XLSX: spreadsheet (monthly table, summary, factors, charts)</source>
        <translation>XLSX：电子表格（每月数据、汇总、排放因子、图表）</translation>
    </message>
    <message>
        <location filename="../reports_page.py" line="183"/>
        <source>CSV: the monthly table only</source>
        <translation>CSV：仅含每月数据表</translation>
    </message>
    <message>
        <location filename="../report_periods.py" line="36"/>
        <source>%1 (year to date)</source>
        <translation>%1（本年至今）</translation>
    </message>
    <message>
        <location filename="../report_status.py" line="100"/>
        <source>Reading the year&apos;s months from the database…</source>
        <translation>正在从数据库读取本年度各月数据…</translation>
    </message>
    <message>
        <location filename="../report_status.py" line="88"/>
        <source>One row per day and a total: PV generation, consumption, grid import and export, storage, self-consumption and self-sufficiency, avoided CO₂, coal saved and data coverage. Energy comes from the devices&apos; counters. The PDF adds charts, the energy flows and a data-quality section.</source>
        <translation>每天一行并附合计行：光伏发电量、用电量、下网与上网电量、储能、自发自用率与自给率、二氧化碳减排量、节约标准煤以及数据覆盖率。电量取自设备的电能计数器。PDF 另含图表、能量流和数据质量章节。</translation>
    </message>
    <message>
        <location filename="../reports_page.py" line="172"/>
        <source>Month:</source>
        <translation>月份：</translation>
    </message>
    <message>
        <location filename="../reports_page.py" line="173"/>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <location filename="../reports_page.py" line="174"/>
        <source>Language of the report:</source>
        <translation>报表语言：</translation>
    </message>
    <message>
        <location filename="../reports_page.py" line="175"/>
        <source>Save as:</source>
        <translation>保存为：</translation>
    </message>
    <message>
        <location filename="../reports_page.py" line="177"/>
        <source>PDF: for management (charts, data quality)</source>
        <translation>PDF：供管理层阅览（图表、数据质量）</translation>
    </message>
    <message>
        <location filename="../reports_page.py" line="181"/>
        <source>XLSX: spreadsheet (daily table, summary, charts)</source>
        <translation>XLSX：电子表格（每日数据、汇总、图表）</translation>
    </message>
    <message>
        <location filename="../reports_page.py" line="183"/>
        <source>CSV: the daily table only</source>
        <translation>CSV：仅每日数据表</translation>
    </message>
    <message>
        <location filename="../reports_page.py" line="187"/>
        <source>A CSV file has column names only; it has no language.</source>
        <translation>CSV 文件只含列名，不区分语言。</translation>
    </message>
    <message>
        <location filename="../reports_page.py" line="188"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../reports_page.py" line="189"/>
        <source>Generate report</source>
        <translation>生成报表</translation>
    </message>
    <message>
        <location filename="../reports_page.py" line="190"/>
        <source>Open file</source>
        <translation>打开文件</translation>
    </message>
    <message>
        <location filename="../reports_page.py" line="191"/>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <location filename="../report_periods.py" line="43"/>
        <source>%1 (no data yet)</source>
        <translation>%1（尚无数据）</translation>
    </message>
    <message>
        <location filename="../report_periods.py" line="39"/>
        <source>%1 (month to date)</source>
        <translation>%1（本月至今）</translation>
    </message>
    <message>
        <location filename="../reports_page.py" line="293"/>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../reports_page.py" line="294"/>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../reports_page.py" line="295"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../reports_page.py" line="297"/>
        <source>Save the report as</source>
        <translation>报表另存为</translation>
    </message>
    <message>
        <location filename="../reports_page.py" line="315"/>
        <source>Choose where to save the report.</source>
        <translation>请选择报表的保存位置。</translation>
    </message>
    <message>
        <location filename="../report_status.py" line="102"/>
        <source>Reading the month from the database…</source>
        <translation>正在从数据库读取该月数据…</translation>
    </message>
    <message>
        <location filename="../report_status.py" line="104"/>
        <source>Writing the file…</source>
        <translation>正在写入文件…</translation>
    </message>
    <message>
        <location filename="../report_status.py" line="105"/>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location filename="../report_status.py" line="118"/>
        <source>%1 s elapsed. The window stays usable meanwhile.</source>
        <translation>已用时 %1 s。在此期间窗口仍可正常使用。</translation>
    </message>
    <message>
        <location filename="../report_status.py" line="139"/>
        <source>The report is ready.</source>
        <translation>报表已生成。</translation>
    </message>
    <message>
        <location filename="../report_status.py" line="125"/>
        <source>Report for %1 written to %2 in %3 s.</source>
        <translation>%1 的报表已写入 %2，用时 %3 s。</translation>
    </message>
    <message>
        <location filename="../report_status.py" line="128"/>
        <source>PV %1 kWh, consumption %2 kWh, data coverage %3 %.</source>
        <translation>光伏发电量 %1 kWh，用电量 %2 kWh，数据覆盖率 %3 %。</translation>
    </message>
    <message>
        <location filename="../report_status.py" line="136"/>
        <source>The database has no data for %1: the report is empty.</source>
        <translation>数据库中没有 %1 的数据：报表为空。</translation>
    </message>
    <message>
        <location filename="../report_status.py" line="141"/>
        <source>The report could not be made.</source>
        <translation>无法生成报表。</translation>
    </message>
    <message>
        <location filename="../report_status.py" line="143"/>
        <source>Waiting for the site and its database…</source>
        <translation>正在等待站点及其数据库…</translation>
    </message>
    <message>
        <location filename="../report_status.py" line="145"/>
        <source>The months with data could not be read.</source>
        <translation>无法读取有数据的月份。</translation>
    </message>
    <message>
        <location filename="../report_status.py" line="147"/>
        <source>No report made yet in this session.</source>
        <translation>本次运行尚未生成报表。</translation>
    </message>
    <message>
        <location filename="../report_status.py" line="148"/>
        <source>Choose the report, its month or year, the format and where to save it, then press Generate report.</source>
        <translation>请选择报表类型、月份或年份、格式和保存位置，然后点击“生成报表”。</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../settings_page.py" line="159"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="216"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="217"/>
        <source>Language of the window:</source>
        <translation>界面语言：</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="220"/>
        <source>The window switches at once; open pages keep what they show. The choice is remembered for the next start. Reports choose their own language on the Reports page.</source>
        <translation>界面立即切换语言，已打开的页面保留当前显示的内容。所选语言会在下次启动时沿用。报表语言在“报表”页面单独选择。</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="228"/>
        <source>The translation could not be loaded: %1</source>
        <translation>无法加载翻译：%1</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="238"/>
        <source>Site</source>
        <translation>站点</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="240"/>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="241"/>
        <source>Time zone:</source>
        <translation>时区：</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="242"/>
        <source>Position:</source>
        <translation>位置：</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="243"/>
        <source>Devices:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="244"/>
        <source>Database:</source>
        <translation>数据库：</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="245"/>
        <source>Mode:</source>
        <translation>模式：</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="249"/>
        <source>Carbon factors</source>
        <translation>碳排放因子</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="251"/>
        <source>Grid emission factor:</source>
        <translation>电网排放因子：</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="252"/>
        <location filename="../settings_page.py" line="254"/>
        <source>Source:</source>
        <translation>来源：</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="253"/>
        <source>Coal factor:</source>
        <translation>标准煤折算系数：</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="259"/>
        <source>Avoided CO₂ = PV energy × grid emission factor; coal saved = PV energy × coal factor. The grid factor is chosen in the [carbon] table of the site config; the monthly report states both factors and their sources.</source>
        <translation>二氧化碳减排量 = 光伏发电量 × 电网排放因子；节约标准煤 = 光伏发电量 × 标准煤折算系数。电网排放因子在站点配置的 [carbon] 表中选择；月度报告会注明这两个因子及其来源。</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="265"/>
        <source>Window</source>
        <translation>窗口</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="266"/>
        <source>Remembered:</source>
        <translation>记忆内容：</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="268"/>
        <source>The window&apos;s size and position and the page last shown are restored at the next start.</source>
        <translation>窗口的大小、位置以及上次显示的页面会在下次启动时恢复。</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="270"/>
        <source>Stored in:</source>
        <translation>保存位置：</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="272"/>
        <source>Wall display:</source>
        <translation>大屏显示：</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="273"/>
        <source>Log files:</source>
        <translation>日志文件：</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="274"/>
        <source>pages stay</source>
        <translation>页面不轮播</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="275"/>
        <source> s per page</source>
        <translation> 秒/页</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="278"/>
        <source>Shows the pages in turn, this many seconds each (0: the pages stay). F11 toggles full screen, Esc leaves it, Ctrl+1, Ctrl+2, … show the pages.</source>
        <translation>按此秒数依次轮播各页面（0：不轮播）。F11 切换全屏，Esc 退出全屏，Ctrl+1、Ctrl+2 …… 切换到各页面。</translation>
    </message>
    <message>
        <source>Shows the pages in turn, this many seconds each (0: the pages stay). F11 toggles full screen, Esc leaves it, Ctrl+1, Ctrl+2, … show the pages. energymon gui --cycle S sets it for one run.</source>
        <translation type="vanished">按此秒数依次轮播各页面（0：不轮播）。F11 切换全屏，Esc 退出全屏，Ctrl+1、Ctrl+2 …… 切换到各页面。energymon gui --cycle S 仅对本次运行设置轮播。</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="290"/>
        <source>none built in</source>
        <translation>无内置值</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="294"/>
        <source>%1 kgce/kWh (data year %2)</source>
        <translation>%1 kgce/kWh（数据年份 %2）</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="299"/>
        <location filename="../settings_page.py" line="320"/>
        <source>not known yet</source>
        <translation>尚未获知</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="303"/>
        <source>%1 (now UTC%2)</source>
        <translation>%1（当前 UTC%2）</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="306"/>
        <location filename="../settings_page.py" line="334"/>
        <source>not recorded</source>
        <translation>未记录</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="309"/>
        <source>latitude %1°, longitude %2°</source>
        <translation>纬度 %1°，经度 %2°</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="312"/>
        <source>%1 in total (PV inverters: %2, storage units: %3, load meters: %4, grid meters: %5)</source>
        <translation>共 %1 台（光伏逆变器：%2，储能：%3，负荷电表：%4，关口电表：%5）</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="315"/>
        <source>%1 in total (PV inverters: %2, storage units: %3, load meters: %4, grid meters: %5, weather sensors: %6)</source>
        <translation>共 %1 台（光伏逆变器：%2，储能：%3，负荷电表：%4，关口电表：%5，气象传感器：%6）</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="323"/>
        <source>Viewing: another program collects and writes the database; this window only reads it.</source>
        <translation>查看模式：由另一个程序采集并写入数据库，本窗口只读取。</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="326"/>
        <source>Collecting: this program polls the devices and writes the database.</source>
        <translation>采集模式：本程序轮询设备并写入数据库。</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="328"/>
        <source>%1 kgCO₂/kWh</source>
        <translation>%1 kgCO₂/kWh</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="331"/>
        <source>%1 kgCO₂/kWh (%2, data year %3)</source>
        <translation>%1 kgCO₂/kWh（%2，数据年份 %3）</translation>
    </message>
    <message>
        <location filename="../settings_page.py" line="233"/>
        <source>Qt&apos;s own translation %1 could not be loaded: Qt&apos;s standard buttons stay English.</source>
        <translation>Qt 自带的翻译 %1 无法加载：Qt 的标准按钮仍为英文。</translation>
    </message>
</context>
<context>
    <name>TrendsPage</name>
    <message>
        <location filename="../trends_page.py" line="111"/>
        <source>Trends</source>
        <translation>趋势</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="28"/>
        <source>Active power</source>
        <translation>有功功率</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="29"/>
        <source>PV energy (counter)</source>
        <translation>光伏发电量（计数器）</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="30"/>
        <source>DC power</source>
        <translation>直流功率</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="31"/>
        <location filename="../trend_texts.py" line="84"/>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="32"/>
        <source>Status code</source>
        <translation>状态码</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="33"/>
        <source>State of charge</source>
        <translation>荷电状态</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="34"/>
        <source>State of health</source>
        <translation>健康状态</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="35"/>
        <source>Energy charged (counter)</source>
        <translation>充电量（计数器）</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="36"/>
        <source>Energy discharged (counter)</source>
        <translation>放电量（计数器）</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="37"/>
        <source>Energy consumed (counter)</source>
        <translation>用电量（计数器）</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="38"/>
        <source>Energy imported (counter)</source>
        <translation>下网电量（计数器）</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="39"/>
        <source>Energy exported (counter)</source>
        <translation>上网电量（计数器）</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="40"/>
        <source>Voltage L1</source>
        <translation>L1 相电压</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="41"/>
        <source>Voltage L2</source>
        <translation>L2 相电压</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="42"/>
        <source>Voltage L3</source>
        <translation>L3 相电压</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="43"/>
        <source>Current L1</source>
        <translation>L1 相电流</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="44"/>
        <source>Current L2</source>
        <translation>L2 相电流</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="45"/>
        <source>Current L3</source>
        <translation>L3 相电流</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="46"/>
        <location filename="../trend_texts.py" line="83"/>
        <source>Frequency</source>
        <translation>频率</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="47"/>
        <source>Power factor</source>
        <translation>功率因数</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="48"/>
        <location filename="../trend_texts.py" line="85"/>
        <source>Reactive power</source>
        <translation>无功功率</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="49"/>
        <source>Voltage L1-L2</source>
        <translation>L1-L2 线电压</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="50"/>
        <source>Voltage L2-L3</source>
        <translation>L2-L3 线电压</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="51"/>
        <source>Voltage L3-L1</source>
        <translation>L3-L1 线电压</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="52"/>
        <source>CT ratio (in the meter)</source>
        <translation>电流互感器变比（表内设置）</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="53"/>
        <source>PT ratio (in the meter)</source>
        <translation>电压互感器变比（表内设置）</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="54"/>
        <source>Irradiance (plane of array)</source>
        <translation>辐照度（组件平面）</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="61"/>
        <source>PV power (total)</source>
        <translation>光伏功率（合计）</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="62"/>
        <source>Site consumption</source>
        <translation>全站用电功率</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="63"/>
        <source>Grid power (+ import, − export)</source>
        <translation>电网功率（+ 下网，− 上网）</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="64"/>
        <source>Storage power (+ discharge, − charge)</source>
        <translation>储能功率（+ 放电，− 充电）</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="65"/>
        <source>PV energy per interval</source>
        <translation>区间光伏发电量</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="66"/>
        <source>Consumption per interval</source>
        <translation>区间用电量</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="67"/>
        <source>Grid import per interval</source>
        <translation>区间下网电量</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="68"/>
        <source>Grid export per interval</source>
        <translation>区间上网电量</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="69"/>
        <source>Storage charge per interval</source>
        <translation>区间储能充电量</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="70"/>
        <source>Storage discharge per interval</source>
        <translation>区间储能放电量</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="77"/>
        <source>Power</source>
        <translation>功率</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="80"/>
        <source>Voltage</source>
        <translation>电压</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="81"/>
        <source>Current</source>
        <translation>电流</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="82"/>
        <source>Percent</source>
        <translation>百分比</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="86"/>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="94"/>
        <source>Site · %1</source>
        <translation>全站 · %1</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="97"/>
        <source>energy per interval</source>
        <translation>区间电量</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="111"/>
        <source>right axis</source>
        <translation>右轴</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="111"/>
        <source>left axis</source>
        <translation>左轴</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="114"/>
        <source>plot %1 of %2, %3</source>
        <translation>第 %1 幅图（共 %2 幅），%3</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="178"/>
        <source>no data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="183"/>
        <source>mean %1, min %2, max %3</source>
        <translation>平均 %1，最小 %2，最大 %3</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="189"/>
        <source>%1 counted in this interval</source>
        <translation>本区间计量 %1</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="191"/>
        <source>counter reading %1</source>
        <translation>计数器读数 %1</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="193"/>
        <source>sum %1</source>
        <translation>合计 %1</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="197"/>
        <source>(%1 of %2 devices)</source>
        <translation>（%2 台设备中 %1 台）</translation>
    </message>
    <message>
        <location filename="../trend_pickers.py" line="101"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../trend_pickers.py" line="102"/>
        <source>Quantity</source>
        <translation>测量项</translation>
    </message>
    <message>
        <location filename="../trend_pickers.py" line="103"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../trend_pickers.py" line="104"/>
        <location filename="../trend_texts.py" line="78"/>
        <source>Counter reading</source>
        <translation>计数器读数</translation>
    </message>
    <message>
        <location filename="../trend_pickers.py" line="105"/>
        <location filename="../trend_texts.py" line="79"/>
        <location filename="../trend_texts.py" line="105"/>
        <source>Energy per interval</source>
        <translation>区间电量</translation>
    </message>
    <message>
        <location filename="../trend_pickers.py" line="116"/>
        <source>Site (sum of its devices)</source>
        <translation>全站（各设备之和）</translation>
    </message>
    <message>
        <location filename="../trend_pickers.py" line="161"/>
        <source>%1 — not a site series</source>
        <translation>%1 — 不是全站曲线</translation>
    </message>
    <message>
        <location filename="../trend_pickers.py" line="163"/>
        <source>%1 — not stored for this device</source>
        <translation>%1 — 该设备未存储</translation>
    </message>
    <message>
        <location filename="../trend_controls.py" line="58"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../trend_controls.py" line="59"/>
        <source>Yesterday</source>
        <translation>昨天</translation>
    </message>
    <message>
        <location filename="../trend_controls.py" line="60"/>
        <source>7 days</source>
        <translation>7 天</translation>
    </message>
    <message>
        <location filename="../trend_controls.py" line="61"/>
        <source>30 days</source>
        <translation>30 天</translation>
    </message>
    <message>
        <location filename="../trend_controls.py" line="62"/>
        <source>12 months</source>
        <translation>12 个月</translation>
    </message>
    <message>
        <location filename="../trend_controls.py" line="66"/>
        <source>Add series</source>
        <translation>添加曲线</translation>
    </message>
    <message>
        <location filename="../trend_controls.py" line="68"/>
        <source>Add another series to the chart; the pickers then change the new one.</source>
        <translation>在图表中再添加一条曲线；之后上方的选择框修改新曲线。</translation>
    </message>
    <message>
        <location filename="../trend_controls.py" line="70"/>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <location filename="../trend_controls.py" line="72"/>
        <source>Save the points shown as a CSV file (local time with UTC offset).</source>
        <translation>将当前显示的数据点保存为 CSV 文件（当地时间，含 UTC 偏移）。</translation>
    </message>
    <message>
        <location filename="../trend_controls.py" line="74"/>
        <source>Export PNG…</source>
        <translation>导出 PNG…</translation>
    </message>
    <message>
        <location filename="../trend_controls.py" line="75"/>
        <source>Save the chart as shown as a PNG image.</source>
        <translation>将当前显示的图表保存为 PNG 图片。</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="123"/>
        <source>raw counter readings</source>
        <translation>计数器原始读数</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="124"/>
        <source>raw samples</source>
        <translation>原始采样值</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="127"/>
        <source>energy counted per %1 days</source>
        <translation>每 %1 天的计量电量</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="129"/>
        <source>energy counted per minute</source>
        <translation>每分钟的计量电量</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="130"/>
        <source>energy counted per 15 minutes</source>
        <translation>每 15 分钟的计量电量</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="131"/>
        <source>energy counted per hour</source>
        <translation>每小时的计量电量</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="132"/>
        <source>energy counted per day</source>
        <translation>每天的计量电量</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="136"/>
        <source>counter readings, the last of every %1 days</source>
        <translation>计数器读数，取每 %1 天的最后一个值</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="138"/>
        <source>counter readings, the last of each minute</source>
        <translation>计数器读数，取每分钟的最后一个值</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="139"/>
        <source>counter readings, the last of each 15 minutes</source>
        <translation>计数器读数，取每 15 分钟的最后一个值</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="140"/>
        <source>counter readings, the last of each hour</source>
        <translation>计数器读数，取每小时的最后一个值</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="141"/>
        <source>counter readings, the last of each day</source>
        <translation>计数器读数，取每天的最后一个值</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="145"/>
        <source>sums of the devices&apos; averages over %1 days</source>
        <translation>各设备 %1 天平均值之和</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="147"/>
        <source>sums of the devices&apos; 1-minute averages</source>
        <translation>各设备 1 分钟平均值之和</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="148"/>
        <source>sums of the devices&apos; 15-minute averages</source>
        <translation>各设备 15 分钟平均值之和</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="149"/>
        <source>sums of the devices&apos; hourly averages</source>
        <translation>各设备小时平均值之和</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="150"/>
        <source>sums of the devices&apos; daily averages</source>
        <translation>各设备日平均值之和</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="153"/>
        <source>averages over %1 days with their minimum and maximum</source>
        <translation>%1 天平均值及其最小值、最大值</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="155"/>
        <source>1-minute averages with their minimum and maximum</source>
        <translation>1 分钟平均值及其最小值、最大值</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="156"/>
        <source>15-minute averages with their minimum and maximum</source>
        <translation>15 分钟平均值及其最小值、最大值</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="157"/>
        <source>hourly averages with their minimum and maximum</source>
        <translation>小时平均值及其最小值、最大值</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="158"/>
        <source>daily averages with their minimum and maximum</source>
        <translation>日平均值及其最小值、最大值</translation>
    </message>
    <message>
        <location filename="../trends_page.py" line="116"/>
        <source>Series</source>
        <translation>曲线</translation>
    </message>
    <message>
        <location filename="../trends_page.py" line="334"/>
        <source>Waiting for the site…</source>
        <translation>正在等待站点…</translation>
    </message>
    <message>
        <location filename="../trends_page.py" line="336"/>
        <source>Could not read the database: %1</source>
        <translation>无法读取数据库：%1</translation>
    </message>
    <message>
        <location filename="../trends_page.py" line="338"/>
        <source>No data stored yet.</source>
        <translation>尚未存储任何数据。</translation>
    </message>
    <message>
        <location filename="../trend_status.py" line="48"/>
        <location filename="../trend_status.py" line="79"/>
        <location filename="../trend_status.py" line="95"/>
        <source>Reading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <location filename="../trend_status.py" line="46"/>
        <source>Not stored for this device: nothing to draw.</source>
        <translation>该设备未存储此测量项：无可绘制内容。</translation>
    </message>
    <message>
        <location filename="../trend_status.py" line="53"/>
        <source>The site has no devices of this kind.</source>
        <translation>站点没有这类设备。</translation>
    </message>
    <message>
        <location filename="../trend_status.py" line="55"/>
        <source>no data in the time shown</source>
        <translation>当前时间范围内无数据</translation>
    </message>
    <message>
        <location filename="../trend_status.py" line="59"/>
        <source>%1 of %2 devices at the least</source>
        <translation>最少时 %2 台设备中 %1 台有数据</translation>
    </message>
    <message>
        <location filename="../trend_status.py" line="76"/>
        <source>%1 has no “%2” stored: choose another quantity or device.</source>
        <translation>%1 未存储“%2”：请选择其他测量项或设备。</translation>
    </message>
    <message>
        <location filename="../trend_status.py" line="80"/>
        <source>Choose a device, a quantity and a time range.</source>
        <translation>请选择设备、测量项和时间范围。</translation>
    </message>
    <message>
        <location filename="../trend_status.py" line="83"/>
        <source>No data of this quantity in the time shown.</source>
        <translation>当前时间范围内没有该测量项的数据。</translation>
    </message>
    <message>
        <location filename="../trend_status.py" line="85"/>
        <source>Showing %1: %2 points in view.</source>
        <translation>显示：%1；视图中共 %2 个数据点。</translation>
    </message>
    <message>
        <location filename="../trend_status.py" line="87"/>
        <source>Zoom in for finer detail.</source>
        <translation>放大可查看更多细节。</translation>
    </message>
    <message>
        <location filename="../trend_status.py" line="89"/>
        <source>%1 series on the chart.</source>
        <translation>图表中共 %1 条曲线。</translation>
    </message>
    <message>
        <location filename="../trend_status.py" line="91"/>
        <source>A site series sums the devices that report; the legend says when some do not.</source>
        <translation>全站曲线为有数据设备之和；有设备缺数据时图例会注明。</translation>
    </message>
    <message>
        <location filename="../trend_status.py" line="121"/>
        <source>Saved %1.</source>
        <translation>已保存 %1。</translation>
    </message>
    <message>
        <location filename="../trend_status.py" line="120"/>
        <source>Could not save %1: %2</source>
        <translation>无法保存 %1：%2</translation>
    </message>
    <message>
        <location filename="../trend_status.py" line="126"/>
        <source>Local time (%1, UTC%2)</source>
        <translation>当地时间（%1，UTC%2）</translation>
    </message>
    <message>
        <location filename="../trend_texts.py" line="205"/>
        <source>%1: no data</source>
        <translation>%1：无数据</translation>
    </message>
    <message>
        <location filename="../trend_export.py" line="37"/>
        <source>Export the points shown as CSV</source>
        <translation>将显示的数据点导出为 CSV</translation>
    </message>
    <message>
        <location filename="../trend_export.py" line="38"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../trend_export.py" line="40"/>
        <source>Export the chart as PNG</source>
        <translation>将图表导出为 PNG</translation>
    </message>
    <message>
        <location filename="../trend_export.py" line="41"/>
        <source>PNG images (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <location filename="../trend_legend.py" line="157"/>
        <source>Remove this series from the chart</source>
        <translation>从图表中移除这条曲线</translation>
    </message>
    <message>
        <location filename="../trend_legend.py" line="158"/>
        <source>Click to change this series with the pickers above</source>
        <translation>单击后可用上方的选择框修改这条曲线</translation>
    </message>
    <message>
        <location filename="../trend_views.py" line="115"/>
        <source>Saved views</source>
        <translation>已保存视图</translation>
    </message>
    <message>
        <location filename="../trend_views.py" line="116"/>
        <source>Save view…</source>
        <translation>保存视图…</translation>
    </message>
    <message>
        <location filename="../trend_views.py" line="117"/>
        <source>Save the series and the time range under a name.</source>
        <translation>以一个名称保存这些曲线和时间范围。</translation>
    </message>
    <message>
        <location filename="../trend_views.py" line="118"/>
        <location filename="../trend_views.py" line="158"/>
        <source>Delete view</source>
        <translation>删除视图</translation>
    </message>
    <message>
        <location filename="../trend_views.py" line="119"/>
        <source>Delete the saved view chosen on the left.</source>
        <translation>删除左侧选中的已保存视图。</translation>
    </message>
    <message>
        <location filename="../trend_views.py" line="127"/>
        <source>(choose a view)</source>
        <translation>（选择视图）</translation>
    </message>
    <message>
        <location filename="../trend_views.py" line="144"/>
        <source>Save view</source>
        <translation>保存视图</translation>
    </message>
    <message>
        <location filename="../trend_views.py" line="145"/>
        <source>Name of the view (a saved view of the same name is replaced):</source>
        <translation>视图名称（同名的已保存视图将被替换）：</translation>
    </message>
    <message>
        <location filename="../trend_views.py" line="159"/>
        <source>Delete the saved view “%1”?</source>
        <translation>删除已保存视图“%1”？</translation>
    </message>
</context>
<context>
    <name>WallDisplay</name>
    <message>
        <location filename="../wall_display.py" line="221"/>
        <source>%1. F11: full screen, Esc: leave it.</source>
        <translation>%1。F11：全屏，Esc：退出全屏。</translation>
    </message>
    <message>
        <location filename="../wall_display.py" line="223"/>
        <source>%1: %2. F11: full screen, Esc: leave it.</source>
        <translation>%1：%2。F11：全屏，Esc：退出全屏。</translation>
    </message>
</context>
</TS>
