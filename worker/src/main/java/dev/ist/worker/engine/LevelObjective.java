package dev.ist.worker.engine;

import dev.ist.worker.engine.optim.Objective;

/** The Gatys loss of one pyramid level, untiled ({@link GatysObjective}) or tiled ({@link TiledGatysObjective}). */
interface LevelObjective extends Objective, AutoCloseable {

    /** Forward only: the loss terms without a gradient. */
    GatysObjective.Terms lossOnly(float[] x);

    int evaluations();

    @Override
    void close();
}
