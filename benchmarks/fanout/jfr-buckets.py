#!/usr/bin/env python3
# Where the edge spends its CPU, from a JFR recording: share of execution samples per thread and per stack
# containing a frame of interest, and the top frames. Usage (any JDK 17+ jfr tool):
#   jfr print --json --events jdk.ExecutionSample --stack-depth 96 edge.jfr > samples.json
#   python3 benchmarks/fanout/jfr-buckets.py samples.json
import json,collections,sys
d=json.load(open(sys.argv[1]))
ev=d['recording']['events']
n=len(ev)
threads=collections.Counter(); buckets=collections.Counter(); top=collections.Counter()
rules=[('Session.write / sendText (per-frame write path)','dev.realtime.edge.rooms.Session.write'),
('Fanout.deliver (all fan-out work on the consumer thread)','dev.realtime.edge.delivery.Fanout.deliver'),
('ServerFrames.event (render JSON per event and room)','dev.realtime.edge.protocol.ServerFrames.event'),
('RoomAccess.stillMayReceive (membership re-check)','dev.realtime.edge.rooms.RoomAccess.stillMayReceive'),
('CloudEventCodec.fromRecord (decode)','dev.realtime.contracts.events.CloudEventCodec.fromRecord'),
('SmallRye context propagation','io.smallrye.context'),
('ArC contexts','io.quarkus.arc'),
('Mutiny','io.smallrye.mutiny'),
('Netty socket write (doWrite)','doWrite'),
('Netty read from sockets','NioByteUnsafe.read'),
('Kafka consumer','org.apache.kafka.clients.consumer'),
('event loop runAllTasks (cross-thread write tasks)','SingleThreadEventExecutor.runAllTasks'),
('FrameGuard','dev.realtime.edge.ws.FrameGuard'),
("Session.drain (a session's queued frames, one flush, on its event loop)",'dev.realtime.edge.rooms.Session.drain'),
('LoopDrains.run (one task per event loop per batch of drains)','dev.realtime.edge.ws.LoopDrains.run'),
('OutboundFrame (one encoding per event and room)','dev.realtime.edge.protocol.OutboundFrame'),
('WebSocket frame encoder','WebSocket08FrameEncoder'),
]
for e in ev:
    st=e['values']['stackTrace']
    frames=[(f['method']['type']['name']+'.'+f['method']['name']).replace('/','.') for f in (st['frames'] if st else [])]
    t=e['values']['sampledThread']['javaName'] or e['values']['sampledThread']['osName'] or '?'
    t=''.join(c for c in t if not c.isdigit())
    threads[t]+=1
    s=' '.join(frames)
    if frames: top[frames[0]]+=1
    for name,pat in rules:
        if pat in s: buckets[name]+=1
print('execution samples',n)
print('by thread:')
for t,c in threads.most_common(6): print(f'  {c/n*100:5.1f}% {t}')
print('stacks containing:')
for name,_ in rules: print(f'  {buckets[name]/n*100:5.1f}% {name}')
print('top frames:')
for f,c in top.most_common(15): print(f'  {c/n*100:5.1f}% {f}')
