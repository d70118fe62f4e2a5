package dev.ist.gateway.store;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A data source that, once armed, kills the thread using it in the middle of a transaction: at the n-th statement
 * it closes the physical connection (the server rolls the open transaction back) and throws an {@link Error} no
 * code catches, as a crash of the process would end it.
 */
final class HaltingDataSource {

    /** What the halted thread dies of. */
    static final class Halt extends Error {
        Halt() {
            super("halted mid-transaction by the test");
        }
    }

    private final DataSource target;
    private final AtomicInteger untilHalt = new AtomicInteger(-1);
    private final AtomicInteger halts = new AtomicInteger();

    HaltingDataSource(DataSource target) {
        this.target = target;
    }

    /** The {@code n}-th statement executed from now on halts its thread. */
    void armAfter(int n) {
        untilHalt.set(n);
    }

    int halts() {
        return halts.get();
    }

    DataSource dataSource() {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(method, target, args);
                    return result instanceof Connection c ? connection(c) : result;
                });
    }

    private Connection connection(Connection real) {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    Object result = invoke(method, real, args);
                    return result instanceof PreparedStatement s ? statement(s, real) : result;
                });
    }

    private PreparedStatement statement(PreparedStatement real, Connection connection) {
        return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                    // only statements inside a transaction count: the halt always cuts one in half
                    if (method.getName().startsWith("execute") && untilHalt.get() > 0 && !connection.getAutoCommit()
                            && untilHalt.decrementAndGet() == 0) {
                        halts.incrementAndGet();
                        connection.close();
                        throw new Halt();
                    }
                    return invoke(method, real, args);
                });
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
