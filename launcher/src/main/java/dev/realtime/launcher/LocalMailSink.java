package dev.realtime.launcher;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

/**
 * The local stack's SMTP server: GreenMail on the loopback interface, accepting every message for every address and
 * keeping it in memory, so the offline digest e-mails of notification-service can be read on a developer machine
 * (the demo web server shows them at {@code /mail}). Nothing is relayed anywhere.
 */
public final class LocalMailSink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalMailSink.class);

    /** One received e-mail as a developer reads it: the text part only. */
    public record ReceivedMail(Instant receivedAt, String from, List<String> to, String subject, String text) {
    }

    private final GreenMail greenMail;
    private final int port;

    private LocalMailSink(GreenMail greenMail, int port) {
        this.greenMail = greenMail;
        this.port = port;
    }

    /** Listens for SMTP on {@code 127.0.0.1:port}. */
    public static LocalMailSink start(int port) {
        GreenMail greenMail = new GreenMail(new ServerSetup(port, LocalStack.LOOPBACK, ServerSetup.PROTOCOL_SMTP));
        try {
            greenMail.start();
        } catch (RuntimeException e) {
            throw new LocalStackException("mail sink cannot listen on port " + port + ": " + e.getMessage()
                    + " (move it with STACK_MAIL_PORT)", e);
        }
        LOG.info("mail sink listening smtp={}:{}", LocalStack.LOOPBACK, port);
        return new LocalMailSink(greenMail, port);
    }

    public int port() {
        return port;
    }

    /** Every e-mail received since the start, oldest first. */
    public List<ReceivedMail> received() {
        MimeMessage[] messages = greenMail.getReceivedMessages();
        List<ReceivedMail> mails = new ArrayList<>(messages.length);
        for (MimeMessage message : messages) {
            try {
                mails.add(new ReceivedMail(
                        message.getReceivedDate() != null ? message.getReceivedDate().toInstant()
                                : message.getSentDate() != null ? message.getSentDate().toInstant() : Instant.EPOCH,
                        addresses(message.getFrom()),
                        recipients(message),
                        message.getSubject() == null ? "" : message.getSubject(),
                        text(message.getContent())));
            } catch (MessagingException | IOException e) {
                // A message the sink cannot parse is shown as such rather than hiding the others.
                mails.add(new ReceivedMail(Instant.EPOCH, "", List.of(), "(unreadable message: " + e.getMessage() + ")",
                        ""));
            }
        }
        return mails;
    }

    private static List<String> recipients(MimeMessage message) throws MessagingException {
        Address[] to = message.getRecipients(Message.RecipientType.TO);
        return to == null ? List.of() : Arrays.stream(to).map(Address::toString).toList();
    }

    private static String addresses(Address[] addresses) {
        return addresses == null ? "" : Arrays.stream(addresses).map(Address::toString).collect(Collectors.joining(", "));
    }

    /** The plain text of a message: the body itself, or the first text/plain part of a multipart one. */
    private static String text(Object content) throws MessagingException, IOException {
        if (content instanceof String text) {
            return text;
        }
        if (content instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart part = multipart.getBodyPart(i);
                if (part.isMimeType("text/plain") || part.isMimeType("multipart/*")) {
                    String text = text(part.getContent());
                    if (!text.isEmpty()) {
                        return text;
                    }
                }
            }
        }
        return "";
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
