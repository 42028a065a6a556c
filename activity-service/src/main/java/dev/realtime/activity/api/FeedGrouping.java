package dev.realtime.activity.api;

import dev.realtime.activity.api.ActivityDtos.Activity;
import dev.realtime.activity.api.ActivityDtos.Entry;
import dev.realtime.activity.api.ActivityDtos.Group;
import dev.realtime.contracts.activity.Actor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds a page of activities (newest first) into entries: activities of the same verb and target whose time is
 * within {@code window} of the newest of them form one group, placed where its newest item is, even when other
 * activities came in between ("Ana and 3 others commented on Track 7"). Every activity stays in its group's items.
 * Groups do not reach across pages: a burst cut by the page boundary shows as two entries.
 */
final class FeedGrouping {
    private FeedGrouping() {
    }

    static List<Entry> group(List<Activity> page, Duration window, int actorNames) {
        List<List<Activity>> groups = new ArrayList<>();
        Map<String, List<Activity>> open = new HashMap<>();
        for (Activity activity : page) {
            String key = activity.verb() + '\u0000' + activity.target().type() + '\u0000' + activity.target().id();
            List<Activity> group = open.get(key);
            if (group != null && within(group.get(0).occurredAt(), activity.occurredAt(), window)) {
                group.add(activity);
            } else {
                group = new ArrayList<>();
                group.add(activity);
                open.put(key, group);
                groups.add(group);
            }
        }
        return groups.stream().map(group -> entry(group, actorNames)).toList();
    }

    private static boolean within(Instant newest, Instant other, Duration window) {
        return Duration.between(other, newest).abs().compareTo(window) <= 0;
    }

    private static Entry entry(List<Activity> items, int actorNames) {
        if (items.size() == 1) {
            return new Entry(Entry.ACTIVITY, items.get(0), null);
        }
        Map<String, Actor> actors = new LinkedHashMap<>();
        Instant latest = items.get(0).occurredAt();
        Instant earliest = latest;
        for (Activity item : items) {
            actors.putIfAbsent(item.actor().id(), item.actor());
            latest = item.occurredAt().isAfter(latest) ? item.occurredAt() : latest;
            earliest = item.occurredAt().isBefore(earliest) ? item.occurredAt() : earliest;
        }
        Activity newest = items.get(0);
        return new Entry(Entry.GROUP, null, new Group(newest.verb(), newest.target(), items.size(), actors.size(),
                actors.values().stream().limit(actorNames).toList(), latest, earliest, List.copyOf(items)));
    }
}
