package dev.realtime.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * The local stack's SMTP sink, spoken to by a real SMTP client as notification-service's mailer does (plain SMTP,
 * no authentication), and what the demo web server shows of it at {@code /mail} and {@code /mail.json}.
 */
class LocalMailSinkTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private LocalMailSink sink;
    private DemoWebServer demo;

    @AfterEach
    void stop() {
        if (demo != null) {
            demo.close();
        }
        if (sink != null) {
            sink.close();
        }
    }

    @Test
    void aMailSentOverSmtpIsReceivedAndShownNewestFirstWithWhatUsersTypedEscaped() throws Exception {
        sink = LocalMailSink.start(StackConfig.freePorts(1)[0]);
        demo = new DemoWebServer(0, dir, "{}", sink::received).start();

        send("bob@example.test", "1 unread notification: Alice: <b>hi</b>", "While you were away:\n\n- <b>hi</b>\n");
        send("carol@example.test", "2 unread notifications", "While you were away:\n\n- one\n- two\n");

        List<LocalMailSink.ReceivedMail> received = sink.received();
        assertEquals(2, received.size());
        assertEquals(List.of("bob@example.test"), received.get(0).to());
        assertEquals("notifications@realtime.local", received.get(0).from());
        assertEquals("1 unread notification: Alice: <b>hi</b>", received.get(0).subject());
        assertTrue(received.get(0).text().contains("- <b>hi</b>"), received.get(0).text());

        HttpResponse<String> json = get("/mail.json");
        assertEquals(200, json.statusCode());
        assertTrue(json.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> mails = (List<Map<String, Object>>) JsonUtil.parseJson(json.body()).get("mails");
        assertEquals(List.of("carol@example.test"), mails.get(0).get("to"), "newest first");
        assertEquals("1 unread notification: Alice: <b>hi</b>", mails.get(1).get("subject"));

        // The page works although the demo app is not built (dir has no index.html).
        HttpResponse<String> page = get("/mail");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("1 unread notification: Alice: &lt;b&gt;hi&lt;/b&gt;"), page.body());
        assertTrue(!page.body().contains("<b>hi</b>"), "a subject's markup must not reach the page unescaped");
        assertTrue(page.body().indexOf("carol@example.test") < page.body().indexOf("bob@example.test"));
    }

    @Test
    void anEmptySinkSaysSo() throws Exception {
        sink = LocalMailSink.start(StackConfig.freePorts(1)[0]);
        demo = new DemoWebServer(0, dir, "{}", sink::received).start();

        assertTrue(get("/mail").body().contains("No e-mail yet"));
        assertEquals(Map.of("mails", List.of()), JsonUtil.parseJson(get("/mail.json").body()));
    }

    @Test
    void aBusyPortSaysHowToMoveTheSink() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName(LocalStack.LOOPBACK))) {
            LocalStackException e = assertThrows(LocalStackException.class,
                    () -> sink = LocalMailSink.start(busy.getLocalPort()));
            assertTrue(e.getMessage().contains("STACK_MAIL_PORT"), e.getMessage());
        }
    }

    private void send(String to, String subject, String text) throws Exception {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", LocalStack.LOOPBACK);
        properties.put("mail.smtp.port", Integer.toString(sink.port()));
        MimeMessage message = new MimeMessage(Session.getInstance(properties));
        message.setFrom(new InternetAddress("notifications@realtime.local"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject, "UTF-8");
        message.setText(text, "UTF-8");
        Transport.send(message);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + demo.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
