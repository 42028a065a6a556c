package dev.realtime.launcher;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jose4j.json.JsonUtil;

/** The demo web server's {@code /mail} and {@code /mail.json}: what the local stack's SMTP sink received. */
final class MailPage {

    private MailPage() {
    }

    static byte[] json(List<LocalMailSink.ReceivedMail> mails) {
        List<Map<String, Object>> list = new ArrayList<>(mails.size());
        for (LocalMailSink.ReceivedMail mail : mails) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("receivedAt", mail.receivedAt().toString());
            fields.put("from", mail.from());
            fields.put("to", mail.to());
            fields.put("subject", mail.subject());
            fields.put("text", mail.text());
            list.add(fields);
        }
        return JsonUtil.toJson(Map.of("mails", list)).getBytes(StandardCharsets.UTF_8);
    }

    /** Every value HTML-escaped: subjects and bodies carry what users typed (message texts, titles). */
    static byte[] html(List<LocalMailSink.ReceivedMail> mails) {
        StringBuilder html = new StringBuilder("""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
                <title>Local stack: e-mails</title>
                <style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}
                article{border:1px solid #ccc;border-radius:6px;padding:0.5rem 1rem;margin:1rem 0}
                pre{white-space:pre-wrap}dt{font-weight:bold;float:left;width:5rem}dd{margin-left:5rem}</style>
                </head><body>
                <h1>E-mails sent by the local stack</h1>
                <p>Caught by the stack's SMTP sink: nothing leaves this machine. Newest first; the page reloads every
                5 seconds. The same as JSON: <a href="/mail.json">/mail.json</a>.</p>
                """);
        if (mails.isEmpty()) {
            html.append("<p id=\"empty\">No e-mail yet. A user with unread notifications who has been offline for"
                    + " 20 seconds gets a digest.</p>\n");
        }
        for (LocalMailSink.ReceivedMail mail : mails) {
            html.append("<article><dl>")
                    .append("<dt>Received</dt><dd>").append(escape(mail.receivedAt().toString())).append("</dd>")
                    .append("<dt>From</dt><dd>").append(escape(mail.from())).append("</dd>")
                    .append("<dt>To</dt><dd>").append(escape(String.join(", ", mail.to()))).append("</dd>")
                    .append("<dt>Subject</dt><dd>").append(escape(mail.subject())).append("</dd>")
                    .append("</dl><pre>").append(escape(mail.text())).append("</pre></article>\n");
        }
        html.append("</body></html>\n");
        return html.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
