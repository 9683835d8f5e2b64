package nl.schakel.broker;

import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.paging.PagingStore;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.files.FileStoreMonitor;
import org.apache.activemq.artemis.core.server.impl.ActiveMQServerImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.camel.Service;

import java.nio.file.Path;
import java.util.Set;

/**
 * The Artemis broker embedded in the gateway: persistent NIO journal under the data folder,
 * in-VM for the gateway and, when a port is set, AMQP 1.0 and Core over TCP for institutions
 * (loopback by default, TLS optional). Login is required, and failed logins are throttled; each
 * institution may send to gateway.inbound and consume its own inbox.&lt;code&gt; only. Redelivery
 * and dead-lettering are the broker's. Waiting messages beyond the memory {@link Limits} are paged
 * to disk, and a message over the size limit is refused at the send.
 */
public final class EmbeddedBroker implements Service {
    public static final String GATEWAY_ROLE = "gateway";
    public static final String INBOUND = "gateway.inbound";
    /** The dead-letter address: DLQ.<queue> for the operator, and one copy of each for the gateway to act on. */
    public static final String DEAD_LETTER_ADDRESS = "DLA";
    public static final String DEAD_LETTER_NOTICES = "gateway.dead-letters";

    /** TCP listener for institutions; port 0 means none. TLS when a keystore is given. */
    public record Listener(String host, int port, String keystorePath, String keystorePassword) {
    }

    /**
     * How much of the messages waiting on the broker may sit in memory. An address (gateway.inbound,
     * each inbox.&lt;code&gt;, each dead-letter queue) holds at most {@code addressMaxBytes} and
     * {@code addressMaxMessages} in memory, all addresses together at most {@code globalMaxBytes}; beyond
     * that new messages are paged to disk under the broker folder and read back as they are consumed.
     * -1: no limit of that kind (the global one then is Artemis' half of the heap). A message an
     * institution sends to gateway.inbound may be at most {@code messageMaxBytes} as a whole.
     */
    public record Limits(long addressMaxBytes, long addressMaxMessages, long globalMaxBytes, long messageMaxBytes) {
        /** The defaults of application.properties. */
        public static final Limits DEFAULT = new Limits(10L * 1024 * 1024, 10_000, 64L * 1024 * 1024, 2L * 20 * 1024 * 1024 + 1024 * 1024);

        public Limits {
            if (addressMaxBytes == 0 || addressMaxBytes < -1 || addressMaxMessages == 0 || addressMaxMessages < -1
                    || globalMaxBytes == 0 || globalMaxBytes < -1 || messageMaxBytes == 0 || messageMaxBytes < -1) {
                throw new IllegalArgumentException("broker limits are a positive number or -1 (none), not "
                        + addressMaxBytes + ", " + addressMaxMessages + ", " + globalMaxBytes + ", " + messageMaxBytes);
            }
        }
    }

    /**
     * Artemis' own disk monitoring of the broker folder (journal, bindings, paging, large messages):
     * over {@code maxDiskUsagePercent} of the disk used, or under {@code minDiskFreeBytes} free (this one
     * takes priority when both are set), the broker blocks producers until space returns; it looks every
     * {@code scanPeriodMs}. -1: that limit is off.
     */
    public record DiskLimits(int maxDiskUsagePercent, long minDiskFreeBytes, int scanPeriodMs) {
        /** Artemis' defaults: 90 % used, no free-space floor, every 5 s. */
        public static final DiskLimits DEFAULT = new DiskLimits(90, -1, 5000);

        public DiskLimits {
            if (maxDiskUsagePercent < -1 || maxDiskUsagePercent > 100 || minDiskFreeBytes < -1 || scanPeriodMs < 1) {
                throw new IllegalArgumentException("broker disk limits: max-disk-usage -1 (off) or 0 to 100, min-disk-free -1 (off) or"
                        + " bytes, a positive scan period; not " + maxDiskUsagePercent + ", " + minDiskFreeBytes + ", " + scanPeriodMs);
            }
        }
    }

    /**
     * What the broker's disk monitor saw at its last look: the free and total bytes of the broker
     * folder's disk, whether that is beyond the limit (the broker blocks producers), and the limit in
     * words; {@code monitored} false when both limits are off.
     */
    public record DiskCheck(boolean monitored, boolean full, long usableBytes, long totalBytes, String limit) {
        public double usedPercent() {
            return totalBytes <= 0 ? 0 : 100.0 * (totalBytes - usableBytes) / totalBytes;
        }
    }

    private final Path directory;
    private final int serverId;
    private final BrokerAccounts accounts;
    private final Set<String> institutions;
    private final Listener listener;
    private final int maxDeliveryAttempts;
    private final long redeliveryDelayMs;
    private Set<String> consumedQueues = Set.of();
    private java.util.function.BiConsumer<String, org.apache.activemq.artemis.api.core.Message> onConsumed;
    private int journalBufferTimeoutMicros = 500;
    private Limits limits = Limits.DEFAULT;
    private DiskLimits diskLimits = DiskLimits.DEFAULT;
    private LoginThrottle.Settings loginThrottle = LoginThrottle.Settings.DEFAULT;
    private EmbeddedActiveMQ server;

    public EmbeddedBroker(Path directory, int serverId, BrokerAccounts accounts, Set<String> institutions, Listener listener,
                          int maxDeliveryAttempts, long redeliveryDelayMs) {
        this.directory = directory;
        this.serverId = serverId;
        this.accounts = accounts;
        this.institutions = Set.copyOf(institutions);
        this.listener = listener;
        this.maxDeliveryAttempts = maxDeliveryAttempts;
        this.redeliveryDelayMs = redeliveryDelayMs;
    }

    /** Calls back when an institution consumes a message from one of these queues (before {@link #start()}). */
    public void onConsumed(Set<String> queues, java.util.function.BiConsumer<String, org.apache.activemq.artemis.api.core.Message> callback) {
        this.consumedQueues = Set.copyOf(queues);
        this.onConsumed = callback;
    }

    /**
     * How long the journal gathers writes before one sync (before {@link #start()}). Every
     * persistent send and transaction commit waits for a sync, so this bounds both the latency of a
     * commit and how many commits share one fsync. Artemis' NIO default is 3,333 µs.
     */
    public void journalBufferTimeoutMicros(int micros) {
        this.journalBufferTimeoutMicros = micros;
    }

    /** Memory limits per address and in all, beyond which messages are paged to disk (before {@link #start()}). */
    public void limits(Limits limits) {
        this.limits = limits;
    }

    /** Artemis' disk monitoring of the broker folder (before {@link #start()}). */
    public void diskLimits(DiskLimits diskLimits) {
        this.diskLimits = diskLimits;
    }

    /** When failed logins lock a user or a source address out for a while (before {@link #start()}). */
    public void loginThrottle(LoginThrottle.Settings settings) {
        this.loginThrottle = settings;
    }

    /** The URL a client in this JVM connects with. */
    public String inVmUrl() {
        return "vm://" + serverId;
    }

    @Override
    public synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            Configuration config = new ConfigurationImpl()
                    .setName("schakel")
                    .setPersistenceEnabled(true)
                    .setJournalType(JournalType.NIO)
                    .setJournalBufferTimeout_NIO(journalBufferTimeoutMicros * 1000)
                    .setJournalDirectory(directory.resolve("journal").toString())
                    .setBindingsDirectory(directory.resolve("bindings").toString())
                    .setPagingDirectory(directory.resolve("paging").toString())
                    .setLargeMessagesDirectory(directory.resolve("large-messages").toString())
                    .setNodeManagerLockDirectory(directory.toString())
                    .setSecurityEnabled(true)
                    .setJMXManagementEnabled(false)
                    .setPersistIDCache(true)
                    .setIDCacheSize(100_000)
                    // beyond these the broker blocks producers, its own and the institutions', until space returns
                    .setMaxDiskUsage(diskLimits.maxDiskUsagePercent())
                    .setMinDiskFree(diskLimits.minDiskFreeBytes())
                    .setDiskScanPeriod(diskLimits.scanPeriodMs());
            if (limits.globalMaxBytes() > 0) {
                config.setGlobalMaxSize(limits.globalMaxBytes());
            }
            config.addAcceptorConfiguration("in-vm", inVmUrl());
            if (listener != null && listener.port() > 0) {
                String url = "tcp://" + listener.host() + ":" + listener.port() + "?protocols=AMQP,CORE";
                if (listener.keystorePath() != null && !listener.keystorePath().isBlank()) {
                    url += ";sslEnabled=true;keyStorePath=" + listener.keystorePath() + ";keyStorePassword=" + listener.keystorePassword();
                }
                config.addAcceptorConfiguration("institutions", url);
            }
            config.setPopulateValidatedUser(true);
            config.registerBrokerPlugin(new SenderStampPlugin());
            if (limits.messageMaxBytes() > 0) {
                config.registerBrokerPlugin(new MessageSizeLimitPlugin(limits.messageMaxBytes()));
            }
            if (onConsumed != null) {
                config.registerBrokerPlugin(new ConsumptionPlugin(consumedQueues, onConsumed));
            }
            config.addQueueConfiguration(QueueConfiguration.of(INBOUND).setRoutingType(RoutingType.ANYCAST).setDurable(true));
            // every dead-lettered message also lands here, so the gateway can record it and tell the sender,
            // while DLQ.<queue> keeps it for the operator
            config.addQueueConfiguration(QueueConfiguration.of(DEAD_LETTER_NOTICES).setAddress(DEAD_LETTER_ADDRESS)
                    .setRoutingType(RoutingType.MULTICAST).setDurable(true));
            for (String code : institutions) {
                config.addQueueConfiguration(QueueConfiguration.of("inbox." + code).setRoutingType(RoutingType.ANYCAST).setDurable(true));
            }
            // the pick-up notices of a standalone broker (PickupNoticePlugin); here the route that reads them finds none
            config.addQueueConfiguration(QueueConfiguration.of(PickupNoticePlugin.ADDRESS).setRoutingType(RoutingType.ANYCAST).setDurable(true));
            // broker-managed redelivery: a rolled-back delivery returns after a delay, and after
            // the last attempt it goes to DLQ.<queue> on the dead-letter address
            config.addAddressSetting("#", new AddressSettings()
                    .setDeadLetterAddress(SimpleString.of(DEAD_LETTER_ADDRESS))
                    .setAutoCreateDeadLetterResources(true)
                    .setDeadLetterQueuePrefix(SimpleString.of("DLQ."))
                    .setExpiryAddress(SimpleString.of("EXPIRY"))
                    .setAutoCreateExpiryResources(true)
                    .setMaxDeliveryAttempts(maxDeliveryAttempts)
                    .setRedeliveryDelay(redeliveryDelayMs)
                    .setRedeliveryMultiplier(2.0)
                    .setMaxRedeliveryDelay(60_000)
                    // bounded memory: one institution filling gateway.inbound, or never reading its
                    // inbox, pages to disk instead of growing the heap
                    .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE)
                    .setMaxSizeBytes(limits.addressMaxBytes())
                    .setMaxSizeMessages(limits.addressMaxMessages()));
            // least privilege: institutions send to gateway.inbound and consume their own inbox, nothing else
            Role gateway = new Role(GATEWAY_ROLE, true, true, true, true, true, true, true, true, true, true, true, true);
            config.putSecurityRoles("#", Set.of(gateway));
            config.putSecurityRoles(INBOUND, Set.of(gateway,
                    new Role(BrokerAccounts.SENDER_ROLE, true, false, false, false, false, false, false, false, false, false, false, false)));
            for (String code : institutions) {
                config.putSecurityRoles("inbox." + code, Set.of(gateway, new Role(BrokerAccounts.INSTITUTION_ROLE_PREFIX + code,
                        false, true, false, false, false, false, false, false, false, false, false, false)));
            }

            EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
            embedded.setConfiguration(config);
            embedded.setSecurityManager(new InstitutionSecurityManager(accounts, new LoginThrottle(loginThrottle)));
            embedded.start();
            server = embedded;
        } catch (Exception e) {
            throw new IllegalStateException("the embedded broker did not start (data in " + directory + ")", e);
        }
    }

    public synchronized boolean isActive() {
        return server != null && server.getActiveMQServer().isActive();
    }

    /** The running Artemis server, for management (address settings, queue controls). */
    public synchronized ActiveMQServer activeMqServer() {
        return server == null ? null : server.getActiveMQServer();
    }

    /**
     * Has the broker's disk monitor look now (it also looks every scan period by itself) and says
     * what it saw. When it finds space again, blocked producers go on at once.
     */
    public DiskCheck checkDisk() {
        ActiveMQServer active = activeMqServer();
        FileStoreMonitor monitor = active instanceof ActiveMQServerImpl impl ? impl.getMonitor() : null;
        if (monitor == null) {
            return new DiskCheck(false, false, -1, -1, "none");
        }
        monitor.tick();
        var paging = active.getPagingManager();
        return new DiskCheck(true, paging.isDiskFull(), paging.getDiskUsableSpace(), paging.getDiskTotalSpace(), diskLimit(monitor));
    }

    /** The limit in words, as the monitor applies it: the free-space floor when the broker started with one. */
    private String diskLimit(FileStoreMonitor monitor) {
        return diskLimits.minDiskFreeBytes() != -1 ? "min-disk-free " + monitor.getMinDiskFree() + " bytes"
                : "max-disk-usage " + Math.round(monitor.getMaxUsage() * 100) + "%";
    }

    /**
     * Changes the broker's disk limit while it runs: the percentage of the disk it may use, or, when
     * it was started with a free-space floor (which then takes priority), that floor in bytes. The
     * monitor looks again at once.
     */
    public void changeDiskLimit(int maxDiskUsagePercent, long minDiskFreeBytes) {
        new DiskLimits(maxDiskUsagePercent, minDiskFreeBytes, 1); // refuses limits out of range
        ActiveMQServer active = activeMqServer();
        FileStoreMonitor monitor = active instanceof ActiveMQServerImpl impl ? impl.getMonitor() : null;
        if (monitor == null) {
            throw new IllegalStateException("the broker was started without a disk limit");
        }
        active.getConfiguration().setMaxDiskUsage(maxDiskUsagePercent).setMinDiskFree(minDiskFreeBytes);
        if (diskLimits.minDiskFreeBytes() != -1) {
            monitor.setMinDiskFree(Math.max(0, minDiskFreeBytes));
        } else {
            monitor.setMaxUsage(maxDiskUsagePercent < 0 ? 1.0 : maxDiskUsagePercent / 100d);
        }
        monitor.tick();
    }

    /**
     * Refuses every message sent to gateway.inbound while {@code why} gives a reason, with that reason
     * (Core: a JMSException on the send; AMQP: a rejected delivery). Nothing is taken, so the sender
     * keeps its message and sends it again later.
     */
    public void refuseInboundWhile(java.util.function.Supplier<java.util.Optional<String>> why) {
        activeMqServer().registerBrokerPlugin(new InboundRefusalPlugin(user -> why.get()));
    }

    /**
     * Refuses the messages of one sender (by its login) to gateway.inbound while {@code why} gives a
     * reason for it: an operator suspended that institution's intake.
     */
    public void refuseInboundFrom(java.util.function.Function<String, java.util.Optional<String>> why) {
        activeMqServer().registerBrokerPlugin(new InboundRefusalPlugin(why));
    }

    /** Messages waiting on a queue, or -1 when the queue does not exist (or the broker is not running). */
    public long messageCount(String queue) {
        ActiveMQServer active = activeMqServer();
        var binding = active == null ? null : active.locateQueue(SimpleString.of(queue));
        return binding == null ? -1 : binding.getMessageCount();
    }

    /** Messages waiting on the dead-letter queues DLQ.* for the operator. */
    public long deadLetterCount() {
        return deadLetterCounts().values().stream().mapToLong(Long::longValue).sum();
    }

    /** Messages waiting on each dead-letter queue DLQ.&lt;queue&gt; that exists, by queue name (codes only). */
    public java.util.SortedMap<String, Long> deadLetterCounts() {
        java.util.SortedMap<String, Long> counts = new java.util.TreeMap<>();
        ActiveMQServer active = activeMqServer();
        if (active == null) {
            return counts;
        }
        active.getPostOffice().getAllBindings()
                .filter(b -> b instanceof org.apache.activemq.artemis.core.postoffice.QueueBinding q && q.getQueue().getName().toString().startsWith("DLQ."))
                .map(b -> ((org.apache.activemq.artemis.core.postoffice.QueueBinding) b).getQueue())
                .forEach(q -> counts.merge(q.getName().toString(), q.getMessageCount(), Long::sum));
        return counts;
    }

    /** Whether new messages to an address go to page files on disk instead of memory. */
    public boolean isPaging(String address) {
        PagingStore store = pagingStore(address);
        return store != null && store.isPaging();
    }

    /** Bytes of an address's messages the broker holds in memory (paged messages not counted), or -1 when unknown. */
    public long addressMemoryBytes(String address) {
        PagingStore store = pagingStore(address);
        return store == null ? -1 : store.getAddressSize();
    }

    private PagingStore pagingStore(String address) {
        try {
            return server.getActiveMQServer().getPagingManager().getPageStore(SimpleString.of(address));
        } catch (Exception e) {
            throw new IllegalStateException("no paging store for " + address, e);
        }
    }

    /** Messages ever added to a queue since the broker started, or -1 when the queue does not exist. */
    public long messagesAdded(String queue) {
        var binding = server.getActiveMQServer().locateQueue(SimpleString.of(queue));
        return binding == null ? -1 : binding.getMessagesAdded();
    }

    @Override
    public synchronized void stop() {
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                throw new IllegalStateException("the embedded broker did not stop cleanly", e);
            } finally {
                server = null;
            }
        }
    }
}
