// The retention picture: the deletion plan as marks on a time axis, a policy's projection, an SVG.
export { describeRule, pictureModel, ruleOf, type MarkRule, type PictureMark, type ProtectedCode, type RetentionPictureModel } from './model';
export { MAX_RUNS, projectPolicy, type Projection, type ProjectionInput, type ProjectionPoint, type ProjectionPolicy, type ProjectedBackup } from './projection';
export { escapeXml, renderPictureSvg, type PictureOptions, type PictureWords } from './svg';
export { dayTicks, monthTicks, timeScale, timeTicks, type Tick, type TimeScale } from './axis';
